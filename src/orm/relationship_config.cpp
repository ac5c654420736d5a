// Relationship configuration: from what two mappings say about each other
// (foreign keys, secondary tables, remote_side, foreign_keys, back_populates,
// backref) to each relationship's join condition, reverse, loader strategy and
// dependency processor. Every mistake is a ConfigurationError naming the
// class, the attribute and the fix. Called by the registry (registry.cpp).
#include <algorithm>

#include "orm/configuration.hpp"
#include "orm/dependency.hpp"
#include "orm/strategies.hpp"
#include "retort/util/error.hpp"
#include "retort/util/names.hpp"

namespace retort::orm {

void configuration_fail(const mapper& m, const std::string& attribute, const std::string& what,
                        const std::string& fix) {
  throw ConfigurationError(m.class_name + "." + attribute + ": " + what + "; " + fix);
}

namespace {

[[noreturn]] void fail(const mapper& m, const std::string& attribute, const std::string& what, const std::string& fix) {
  configuration_fail(m, attribute, what, fix);
}

/// Indexes of m's columns that reference `target` through a foreign key.
std::vector<std::size_t> fk_columns(const mapper& m, const mapper& target) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& fk = m.columns[i].foreign_key;
    if (fk && fk->target() == &target) out.push_back(i);
  }
  return out;
}

std::size_t column_index(const mapper& m, const std::string& attribute) {
  const auto* c = m.find_column(attribute);
  return static_cast<std::size_t>(c - m.columns.data());
}

/// The referenced columns (on `target`) of the given foreign-key columns of `m`.
std::vector<std::size_t> referenced(const mapper& m, const std::vector<std::size_t>& fks, const mapper& target) {
  std::vector<std::size_t> out;
  for (auto i : fks) out.push_back(column_index(target, m.columns[i].foreign_key->target_attribute));
  return out;
}

std::string qualified(const mapper& m, std::size_t column) { return m.class_name + "." + m.columns[column].attribute; }

bool named_in(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// Keeps the foreign-key columns the relationship's foreign_keys<...> names.
std::vector<std::size_t> chosen(const relationship_property& r, const mapper& owner, std::vector<std::size_t> fks) {
  if (r.foreign_keys.empty()) return fks;
  std::erase_if(fks, [&](std::size_t i) { return !named_in(r.foreign_keys, qualified(owner, i)); });
  return fks;
}

/// Several foreign-key columns of `owner` to `target` are one composite key only
/// when they reference distinct columns; two referencing the same column are two
/// ways of joining, and the relationship must say which (SQLAlchemy's
/// AmbiguousForeignKeysError).
void check_unambiguous(const mapper& m, const relationship_property& r, const mapper& owner,
                       const std::vector<std::size_t>& fks, const mapper& target) {
  auto refs = referenced(owner, fks, target);
  std::sort(refs.begin(), refs.end());
  if (std::adjacent_find(refs.begin(), refs.end()) == refs.end()) return;
  std::string names;
  for (auto i : fks) names += (names.empty() ? "" : ", ") + owner.columns[i].attribute;
  throw AmbiguousForeignKeysError(
      m.class_name + "." + r.attribute + ": " + std::to_string(fks.size()) + " foreign keys link table '" +
      owner.table.name() + "' to table '" + target.table.name() + "' (" + names +
      "); say which one this relationship uses: retort::relationship<&" + m.class_name + "::" + r.attribute +
      ">(retort::foreign_keys<&" + owner.class_name + "::" + owner.columns[fks.front()].attribute + ">)");
}

void check_foreign_keys_option(const mapper& m, const relationship_property& r, const mapper& t,
                               const std::vector<std::size_t>& local, const std::vector<std::size_t>& remote) {
  for (const auto& name : r.foreign_keys) {
    bool found = false;
    for (auto i : local) found = found || qualified(m, i) == name;
    for (auto i : remote) found = found || qualified(t, i) == name;
    if (!found)
      fail(m, r.attribute, "foreign_keys names " + name + ", which is not a foreign key between " + m.class_name +
                               " and " + t.class_name,
           "name a column declared with retort::foreign_key<...> on " + m.class_name + " or " + t.class_name);
  }
}

join_condition many_to_one(const mapper& m, const std::vector<std::size_t>& fks, const mapper& t) {
  join_condition j;
  j.dir = direction::many_to_one;
  j.local_columns = fks;
  j.remote_columns = referenced(m, fks, t);
  return j;
}

join_condition one_to_many(const mapper& m, const std::vector<std::size_t>& fks, const mapper& t) {
  join_condition j;
  j.dir = direction::one_to_many;
  j.remote_columns = fks;
  j.local_columns = referenced(t, fks, m);
  return j;
}

/// A class joined to itself (an adjacency list): the same foreign key serves both
/// directions. A many<> is the one-to-many (children), a one<> the many-to-one
/// (parent), unless remote_side<...> says which columns are on the far side: the
/// key columns (many-to-one) or the foreign-key columns (one-to-many).
join_condition self_referential(const mapper& m, const relationship_property& r, const std::vector<std::size_t>& fks) {
  bool to_many = r.kind == slot_kind::collection;
  if (!r.remote_side.empty()) {
    bool names_fk = false, names_key = false;
    auto keys = referenced(m, fks, m);
    for (const auto& name : r.remote_side) {
      bool is_fk = false, is_key = false;
      for (auto i : fks) is_fk = is_fk || qualified(m, i) == name;
      for (auto i : keys) is_key = is_key || qualified(m, i) == name;
      if (!is_fk && !is_key)
        fail(m, r.attribute, "remote_side names " + name + ", which is neither the foreign key nor the column it references",
             "name " + qualified(m, keys.front()) + " (many-to-one: the parent) or " + qualified(m, fks.front()) +
                 " (one-to-many: the children)");
      names_fk = names_fk || is_fk;
      names_key = names_key || is_key;
    }
    to_many = names_fk && !names_key;
  }
  return to_many ? one_to_many(m, fks, m) : many_to_one(m, fks, m);
}

const association_table_spec::link* find_link(const association_table_spec& spec, const std::string& column) {
  for (const auto& l : spec.links)
    if (l.column == column) return &l;
  return nullptr;
}

/// The association links to `target`, or the one `named` when given.
std::vector<const association_table_spec::link*> links_to(const mapper& m, const relationship_property& r,
                                                          const association_table_spec& spec, const mapper& target,
                                                          const std::string& named) {
  std::vector<const association_table_spec::link*> out;
  if (!named.empty()) {
    const auto* l = find_link(spec, named);
    if (!l)
      fail(m, r.attribute, "secondary_columns names '" + named + "', which is not a column of table '" + spec.name + "'",
           "name one of the table's link<> columns");
    if (l->target() != &target)
      fail(m, r.attribute, "secondary_columns names '" + named + "', which references " + l->target_class + ", not " +
                               target.class_name,
           "name the column of table '" + spec.name + "' that references " + target.class_name);
    out.push_back(l);
    return out;
  }
  for (const auto& l : spec.links)
    if (l.target() == &target) out.push_back(&l);
  return out;
}

join_condition many_to_many(const mapper& m, const relationship_property& r, const mapper& t, registry& reg) {
  const auto& spec = *r.secondary_fn();
  if (r.kind != slot_kind::collection)
    fail(m, r.attribute, "a many-to-many through '" + spec.name + "' is a collection",
         "declare the member as retort::many<" + t.class_name + ">");
  auto local = links_to(m, r, spec, m, r.secondary_local);
  auto remote = links_to(m, r, spec, t, r.secondary_remote);
  auto missing = [&](const mapper& side) {
    fail(m, r.attribute, "secondary table '" + spec.name + "' has no foreign key to " + side.class_name,
         "add retort::link<&" + side.class_name + "::id>(\"" + util::snake_case(side.class_name) +
             "_id\") to its association_table");
  };
  if (local.empty()) missing(m);
  if (remote.empty()) missing(t);
  if (&m == &t && (r.secondary_local.empty() || r.secondary_remote.empty()))
    throw AmbiguousForeignKeysError(m.class_name + "." + r.attribute + ": both foreign keys of table '" + spec.name +
                                    "' reference " + m.class_name +
                                    "; say which joins to the parent and which to the target: "
                                    "retort::secondary_columns(\"" + local.front()->column + "\", \"" +
                                    local.back()->column + "\")");
  if (local.size() > 1 || remote.size() > 1)
    throw AmbiguousForeignKeysError(m.class_name + "." + r.attribute + ": table '" + spec.name +
                                    "' has several foreign keys to " + (local.size() > 1 ? m : t).class_name +
                                    "; name them: retort::secondary_columns(\"...\", \"...\")");
  join_condition j;
  j.dir = direction::many_to_many;
  j.secondary = &reg.association_table(spec);
  j.local_columns.push_back(column_index(m, local.front()->target_attribute));
  j.secondary_local.push_back(local.front()->column);
  j.remote_columns.push_back(column_index(t, remote.front()->target_attribute));
  j.secondary_remote.push_back(remote.front()->column);
  return j;
}

/// join_where<&Target::column>(value): the criteria as target column indexes.
std::vector<std::pair<std::size_t, sql::value>> extra_criteria(const mapper& m, const relationship_property& r,
                                                               const mapper& t) {
  std::vector<std::pair<std::size_t, sql::value>> out;
  for (const auto& [attribute, value] : r.join_where) {
    if (!t.find_column(attribute))
      fail(m, r.attribute, "join_where names " + t.class_name + "." + attribute + ", which is not a mapped column",
           "map it in mapping<" + t.class_name + "> with retort::column<&" + t.class_name + "::" + attribute + ">(...)");
    out.emplace_back(column_index(t, attribute), value);
  }
  return out;
}

/// A viewonly relationship is never written, so it takes no cascade that writes
/// (SQLAlchemy's ArgumentError: "Cascade settings ... should not be combined
/// with a viewonly=True relationship"); without cascades("...") it cascades
/// merge only, as SQLAlchemy's.
void resolve_viewonly_cascade(const mapper& m, relationship_property& r) {
  if (!r.viewonly) return;
  if (!r.cascade_given) {
    r.cascade = cascade_flags{};
    r.cascade.save_update = false;
    return;
  }
  std::string writing;
  auto note = [&](bool on, const char* name) {
    if (on) writing += (writing.empty() ? "" : ", ") + std::string(name);
  };
  note(r.cascade.delete_, "delete");
  note(r.cascade.delete_orphan, "delete-orphan");
  note(r.cascade.save_update, "save-update");
  if (!writing.empty())
    fail(m, r.attribute,
         "cascade " + writing + " applies to writing, and the relationship is viewonly (it is never written)",
         "drop retort::viewonly, or give it only cascades(\"merge, expunge, refresh-expire\")");
}

/// SQLAlchemy's rule: delete-orphan on the side of a relationship whose target
/// may have many parents needs single_parent (ArgumentError there).
void check_delete_orphan(const mapper& m, const relationship_property& r) {
  if (!r.cascade.delete_orphan || r.single_parent || r.join.dir == direction::one_to_many) return;
  const char* kind = r.join.dir == direction::many_to_one ? "many-to-one" : "many-to-many";
  std::string fix = "add retort::single_parent to the relationship (a " + r.target->class_name +
                    " then belongs to one " + m.class_name + " at a time)";
  if (r.join.dir == direction::many_to_one)
    fix += ", or put delete-orphan on the one-to-many side (" + r.target->class_name + "'s many<" + m.class_name + ">)";
  fail(m, r.attribute,
       std::string("delete-orphan cascade is not supported on a ") + kind +
           " relationship when single_parent is not set (a " + r.target->class_name + " may have many parents)",
       fix);
}

void check_relationship_options(const mapper& m, const relationship_property& r) {
  check_delete_orphan(m, r);
  if (r.passive_deletes && r.join.dir == direction::many_to_one)
    fail(m, r.attribute, "passive_deletes applies to the side the foreign key points at",
         "put it on the one-to-many (or many-to-many) side");
}

/// The index of the target's mapped column `attribute`, named by `option` (ConfigurationError otherwise).
std::int64_t target_column(const mapper& m, const relationship_property& r, const std::string& option,
                           const std::string& class_name, const std::string& attribute) {
  const mapper& t = *r.target;
  if (class_name != t.class_name)
    fail(m, r.attribute, option + " names " + class_name + "." + attribute + ", which is not a column of " + t.class_name,
         "name a column of the collection's class, e.g. &" + t.class_name + "::" + t.columns.front().attribute);
  if (!t.find_column(attribute))
    fail(m, r.attribute, option + " names " + t.class_name + "." + attribute + ", which is not a mapped column",
         "map it with retort::column<&" + t.class_name + "::" + attribute + ">(...) or name another column");
  return static_cast<std::int64_t>(column_index(t, attribute));
}

/// order_by, attribute_keyed_dict and ordering_list into target column indexes;
/// an ordering list loads ordered by its position unless order_by says otherwise.
void resolve_collection_options(const mapper& m, relationship_property& r) {
  const mapper& t = *r.target;
  r.order_by_columns.clear();
  for (const auto& k : r.order_by) {
    auto i = target_column(m, r, "order_by", k.class_name, k.attribute);
    r.order_by_columns.push_back(k.descending ? -(i + 1) : i);
  }
  if (!r.collection_key.empty())
    r.collection_key_column = target_column(m, r, "attribute_keyed_dict", t.class_name, r.collection_key);
  if (!r.ordering_attribute.empty()) {
    r.ordering_column = target_column(m, r, "ordering_list", t.class_name, r.ordering_attribute);
    if (r.order_by_columns.empty()) r.order_by_columns.push_back(r.ordering_column);
  }
}

void resolve_relationship(mapper& m, relationship_property& r, registry& reg) {
  r.parent = &m;
  r.target = r.target_fn();
  const mapper& t = *r.target;
  bool collection = r.kind == slot_kind::collection;
  if (r.secondary_fn) {
    r.join = many_to_many(m, r, t, reg);
  } else if (&t == &m) {
    auto fks = chosen(r, m, fk_columns(m, m));
    check_foreign_keys_option(m, r, m, fks, {});
    if (fks.empty())
      fail(m, r.attribute, "no foreign key links table '" + m.table.name() + "' to itself",
           "add a column such as retort::column<&" + m.class_name + "::parent_id>(retort::foreign_key<&" +
               m.class_name + "::id>)");
    check_unambiguous(m, r, m, fks, m);
    r.join = self_referential(m, r, fks);
  } else {
    auto all_local = fk_columns(m, t);
    auto all_remote = fk_columns(t, m);
    check_foreign_keys_option(m, r, t, all_local, all_remote);
    auto local_fks = chosen(r, m, all_local);
    auto remote_fks = chosen(r, t, all_remote);
    if (!r.foreign_keys.empty() && !local_fks.empty() && !remote_fks.empty())
      fail(m, r.attribute, "foreign_keys names columns on both " + m.class_name + " and " + t.class_name,
           "name the columns of one direction only");
    if (!local_fks.empty() && (!collection || remote_fks.empty())) {
      if (collection)
        fail(m, r.attribute,
             "many<" + t.class_name + "> needs the foreign key on " + t.class_name + ", but it is on " + m.class_name,
             "declare it as retort::one<" + t.class_name + ">, or put the foreign key on " + t.class_name);
      check_unambiguous(m, r, m, local_fks, t);
      r.join = many_to_one(m, local_fks, t);
    } else if (!remote_fks.empty()) {
      check_unambiguous(m, r, t, remote_fks, m);
      r.join = one_to_many(m, remote_fks, t);
    } else {
      const auto& fk_owner = collection ? t : m;
      const auto& referenced_class = collection ? m : t;
      fail(m, r.attribute, "no foreign key links table '" + m.table.name() + "' and table '" + t.table.name() + "'",
           "add retort::foreign_key<&" + fk_owner.class_name + "::...>-style column: e.g. retort::column<&" +
               fk_owner.class_name + "::" + util::snake_case(referenced_class.class_name) +
               "_id>(retort::foreign_key<&" + referenced_class.class_name + "::id>), or name an association table "
               "with retort::secondary<...>");
    }
  }
  r.join.extra = extra_criteria(m, r, t);
  resolve_viewonly_cascade(m, r);
  check_relationship_options(m, r);
  resolve_collection_options(m, r);
  r.strategy = &strategy_for(r.lazy, m, r.attribute);
  r.strategy->init(r);
}

void resolve_back_populates(mapper& m, relationship_property& r) {
  if (r.back_populates.empty()) return;
  const mapper& t = *r.target;
  const auto* other = t.find_relationship(r.back_populates);
  if (!other && t.find_column(r.back_populates))
    fail(m, r.attribute,
         "back_populates names " + t.class_name + "." + r.back_populates + ", which is a column, not a relationship",
         "name the retort::one<" + m.class_name + "> or retort::many<" + m.class_name + "> member of " + t.class_name +
             " that mirrors this one (add one, mapped with retort::relationship<&" + t.class_name +
             "::...>(retort::back_populates<&" + m.class_name + "::" + r.attribute + ">), if there is none)");
  if (!other)
    fail(m, r.attribute, "back_populates names " + t.class_name + "." + r.back_populates + ", which is not a relationship",
         "add retort::relationship<&" + t.class_name + "::" + r.back_populates + ">(retort::back_populates<&" +
             m.class_name + "::" + r.attribute + ">) to mapping<" + t.class_name + ">");
  if (other->target_fn() != &m)
    fail(m, r.attribute,
         "back_populates names " + t.class_name + "." + r.back_populates + ", which refers to " + other->target_class +
             ", not " + m.class_name,
         "name the relationship of " + t.class_name + " that points back to " + m.class_name);
  if (!other->back_populates.empty() && other->back_populates != r.attribute)
    fail(m, r.attribute,
         t.class_name + "." + r.back_populates + " back_populates " + m.class_name + "." + other->back_populates +
             ", not this attribute",
         "make the two relationships name each other");
  r.reverse = other;
}

/// Retort sees a target's parents through the reverse relationship (single_parent's check).
void check_single_parent(const mapper& m, const relationship_property& r) {
  if (!r.single_parent || r.reverse || r.join.dir == direction::one_to_many) return;
  fail(m, r.attribute,
       "single_parent needs the reverse relationship, through which Retort sees a " + r.target->class_name +
           "'s parents in memory",
       "add retort::back_populates<&" + r.target->class_name + "::...> (mapped on both sides) or retort::backref<&" +
           r.target->class_name + "::...>");
}

/// Both sides of a pair must describe the same join seen from either end.
void check_reverse(const mapper& m, const relationship_property& r) {
  check_single_parent(m, r);
  const auto* o = r.reverse;
  if (!o) return;
  bool mirrored = (r.join.dir == direction::many_to_many && o->join.dir == direction::many_to_many) ||
                  (r.join.dir == direction::one_to_many && o->join.dir == direction::many_to_one) ||
                  (r.join.dir == direction::many_to_one && o->join.dir == direction::one_to_many);
  if (mirrored && r.join.dir != direction::many_to_many)
    mirrored = r.join.parent_holds_key() ? r.join.local_columns == o->join.remote_columns
                                         : r.join.remote_columns == o->join.local_columns;
  if (!mirrored)
    fail(m, r.attribute,
         "it and its reverse " + o->name() + " do not join on the same foreign key in opposite directions",
         "give both the same foreign_keys<...> (or remote_side<...> for a self-referential pair)");
}

}  // namespace

void expand_backrefs(const std::vector<mapper*>& group) {
  for (auto* m : group) {
    for (std::size_t i = 0; i < m->relationships.size(); ++i) {
      if (m->relationships[i].backref.empty()) continue;
      auto r = m->relationships[i];  // a copy: the push_back below may move the vector
      mapper& t = *const_cast<mapper*>(r.target_fn());
      if (t.find_relationship(r.backref) || t.find_column(r.backref))
        fail(*m, r.attribute, "backref creates " + t.class_name + "." + r.backref + ", which mapping<" + t.class_name +
                                  "> maps already",
             "use either backref<&" + t.class_name + "::" + r.backref + "> here or back_populates on both sides");
      if (!r.back_populates.empty())
        fail(*m, r.attribute, "both backref and back_populates are given", "give one of them");
      if (!r.join_where.empty())
        fail(*m, r.attribute, "join_where criteria on " + t.class_name + " cannot be mirrored by backref<&" +
                                  t.class_name + "::" + r.backref + ">",
             "map " + t.class_name + "::" + r.backref + " in mapping<" + t.class_name +
                 "> and pair the two with back_populates");
      relationship_property b;
      b.attribute = r.backref;
      b.kind = r.backref_kind;
      b.target_fn = m->self_fn;
      b.target_class = m->class_name;
      b.back_populates = r.attribute;
      b.slot = r.backref_slot;
      b.foreign_keys = r.foreign_keys;
      b.secondary_fn = r.secondary_fn;
      b.secondary_local = r.secondary_remote;
      b.secondary_remote = r.secondary_local;
      b.viewonly = r.viewonly;  // SQLAlchemy's backref of a viewonly relationship is viewonly
      b.collection_key = r.backref_collection_key;
      m->relationships[i].back_populates = r.backref;
      t.relationships.push_back(std::move(b));
    }
  }
}

void configure_relationships(const std::vector<mapper*>& group, registry& reg) {
  for (auto* m : group)
    for (auto& r : m->relationships) resolve_relationship(*m, r, reg);
  for (auto* m : group)
    for (auto& r : m->relationships) resolve_back_populates(*m, r);
  for (auto* m : group)
    for (auto& r : m->relationships) check_reverse(*m, r);
  for (auto* m : group)
    for (auto& r : m->relationships) r.processor = r.viewonly ? nullptr : make_dependency_processor(r);
  // No back-population when either side is viewonly (SQLAlchemy's sync_backref
  // default): a change on one side is not mirrored on the other, in either direction.
  for (auto* m : group)
    for (auto& r : m->relationships)
      if (r.reverse && (r.viewonly || r.reverse->viewonly)) r.reverse = nullptr;
}

}  // namespace retort::orm
