// Relationship members: one<T> (a reference to one object) and the collections
// many<T> (a sequence), set_of<T> (a set) and keyed<K, T> (a map keyed by an
// attribute of T). All are thin typed shells over compiled slots that know their
// owner, load lazily through the relationship's loader strategy, and keep the
// other side (back_populates) in sync in memory before any flush. The
// collections that are never loaded, write_only<T> and dynamic<T>, are in
// write_only.hpp; their slot, write_only_slot, is here.
// Contract: a relationship member must be mapped with retort::relationship<>,
// and its counterpart named by back_populates must name it back.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <vector>

#include "retort/orm/ptr.hpp"
#include "retort/util/function_ref.hpp"

namespace retort::orm {
class query_base;
}

namespace retort::orm::detail {

using target_fn = util::function_ref<void(instance_state*)>;

/// Common part of one<T> and many<T> (SQLAlchemy's attribute implementation):
/// the owner and the relationship, bound when the owning object is created by
/// Retort, and the operations the ORM core performs on any relationship
/// attribute without knowing whether it holds one object or a collection.
class slot {
 public:
  slot() = default;
  slot(const slot&) = delete;
  slot& operator=(const slot&) = delete;
  virtual ~slot() = default;

  instance_state* owner() const noexcept { return owner_; }
  const relationship_property* property() const noexcept { return prop_; }
  bool is_loaded() const noexcept { return loaded_; }

  /// Binds to a new object; values set before (in an initializer) are processed as changes.
  virtual void bind(instance_state* owner, const relationship_property* prop) = 0;
  /// Forgets the value and its history; the next access loads it.
  virtual void unload() = 0;
  virtual void clear_history() noexcept = 0;
  /// Whether the value changed since the last flush.
  virtual bool has_history() const noexcept = 0;
  /// Calls `f` with every state held now; with `history`, once per reference the
  /// slot holds (history included: a state can come more than once), which is
  /// what the cycle collection of detached objects (src/orm/detached_group.cpp)
  /// needs: it must name every reference the slot holds, exactly.
  virtual void for_each_target(target_fn f, bool history = true) const = 0;
  /// Calls `f` with every state this slot gained since the last flush (a
  /// collection's added items, a changed scalar's new target): what the
  /// save-update cascade at flush follows from a persistent owner.
  virtual void for_each_added(target_fn f) const = 0;
  /// The other side of a bidirectional pair linked / unlinked `s` and this slot's
  /// owner: the value follows, with history, but no further back-population.
  virtual void link_quiet(instance_state* s) = 0;
  virtual void unlink_quiet(instance_state* s) = 0;
  /// A loader's result (pending changes made while unloaded win over it).
  virtual void set_loaded_states(std::vector<state_ref> states) = 0;
  /// The strategy that loads this attribute on access, when a query option chose
  /// one for the object (raiseload, lazyload, ... — or a lazy load carrying the
  /// option's further steps, owned jointly by the objects of that query); null:
  /// the relationship's own.
  const loader_strategy* access_strategy() const noexcept { return access_.get(); }
  void set_access_strategy(std::shared_ptr<const loader_strategy> s) noexcept { access_ = std::move(s); }

 protected:
  slot(slot&& o) noexcept : loaded_(o.loaded_) {}
  instance_state* owner_ = nullptr;
  const relationship_property* prop_ = nullptr;
  std::shared_ptr<const loader_strategy> access_;
  bool loaded_ = false;
};

/// Storage of one<T>.
class scalar_slot : public slot {
 public:
  scalar_slot() = default;
  explicit scalar_slot(instance_state* initial) : target_(initial) {}
  scalar_slot(scalar_slot&& o) noexcept : slot(std::move(o)), target_(std::move(o.target_)) {}

  /// The referenced state, loading it first if needed.
  instance_state* resolve();
  /// Sets the reference and updates the other side.
  void assign(instance_state* target);

  // Used by the ORM core.
  instance_state* peek() const noexcept { return target_.get(); }
  bool changed() const noexcept { return changed_; }
  /// The value before the first change since the last flush (history's "deleted" side).
  instance_state* previous() const noexcept { return previous_.get(); }

  void bind(instance_state* owner, const relationship_property* prop) override;
  void unload() override;
  void clear_history() noexcept override {
    changed_ = false;
    previous_ = state_ref();
  }
  bool has_history() const noexcept override { return changed_; }
  void for_each_target(target_fn f, bool history = true) const override;
  void for_each_added(target_fn f) const override {
    if (changed_ && target_) f(target_.get());
  }
  void link_quiet(instance_state* s) override;
  void unlink_quiet(instance_state* s) override;
  void set_loaded_states(std::vector<state_ref> states) override;

 private:
  void set_quiet(instance_state* target);
  state_ref target_;
  state_ref previous_;
  bool changed_ = false;
};

/// A collection's members in order, with constant-time membership: a list
/// longer than a few items builds a hash index on the first membership test
/// (append, back-population and remove each ask), so adding n objects to one
/// collection (thousands of posts back-populated onto one tag) is linear, not
/// quadratic. The index lives out of line, in attributes.cpp.
class state_list {
 public:
  state_list() noexcept;
  state_list(state_list&& o) noexcept;
  state_list& operator=(state_list&& o) noexcept;
  state_list& operator=(std::vector<state_ref> items);
  ~state_list();

  const std::vector<state_ref>& vec() const noexcept { return v_; }
  auto begin() const noexcept { return v_.begin(); }
  auto end() const noexcept { return v_.end(); }
  std::size_t size() const noexcept { return v_.size(); }
  bool empty() const noexcept { return v_.empty(); }
  const state_ref& operator[](std::size_t i) const noexcept { return v_[i]; }

  bool contains(const instance_state* s) const;
  void push_back(state_ref r);
  /// Removes the first occurrence of `s`; false when it is not there.
  bool erase(const instance_state* s);
  /// Moves the member `s` to position `index` (clamped to the end).
  void move_to(const instance_state* s, std::size_t index);
  void clear() noexcept;
  /// Empties the list and returns what it held.
  std::vector<state_ref> take() noexcept;

 private:
  struct index;
  std::vector<state_ref> v_;
  mutable std::unique_ptr<index> index_;  ///< null while short or not yet asked
};

/// Storage of many<T>.
class collection_slot : public slot {
 public:
  collection_slot() = default;
  collection_slot(collection_slot&& o) noexcept : slot(std::move(o)), items_(std::move(o.items_)) {}

  /// The items, loading them first if needed.
  const std::vector<state_ref>& items();
  void append(instance_state* s);
  void remove(instance_state* s);
  void clear();
  /// Makes the collection hold exactly `states`, in that order, as appends and
  /// removes (`u->posts = {a, b}`).
  void replace(const std::vector<instance_state*>& states);
  /// Puts `s` at `index` (appending it first if it is new; moving it if not).
  void insert(std::size_t index, instance_state* s);
  /// keyed<K, T>: the item whose key attribute equals `key`, or null.
  instance_state* find_key(const sql::value& key);
  /// keyed<K, T>: `d[key] = s`. `s`'s key attribute must equal `key`; an item
  /// already under `key` is removed first.
  void set_key(const sql::value& key, instance_state* s);
  /// keyed<K, T>: the key attribute of an item.
  sql::value key_of(instance_state* s) const;
  std::size_t size() { return items().size(); }

  // Used by the ORM core.
  const std::vector<state_ref>& peek() const noexcept { return items_.vec(); }
  const std::vector<state_ref>& added() const noexcept { return added_.vec(); }
  const std::vector<state_ref>& removed() const noexcept { return removed_.vec(); }

  void bind(instance_state* owner, const relationship_property* prop) override;
  void unload() override;
  void clear_history() noexcept override {
    added_.clear();
    removed_.clear();
  }
  bool has_history() const noexcept override { return !added_.empty() || !removed_.empty(); }
  void for_each_target(target_fn f, bool history = true) const override;
  void for_each_added(target_fn f) const override {
    for (const auto& s : added_) f(s.get());
  }
  void link_quiet(instance_state* s) override;
  void unlink_quiet(instance_state* s) override;
  void set_loaded_states(std::vector<state_ref> states) override;

 protected:
  void note_added(instance_state* s);
  void note_removed(instance_state* s);
  state_list items_;
  state_list added_, removed_;  ///< since the last flush (also while unloaded)

 private:
  /// ordering_list: sets each item's position column to its index (+ the start).
  void renumber();
  std::size_t key_column() const;
};

/// Storage of write_only<T> and dynamic<T> (SQLAlchemy's WriteOnlyAttributeImpl):
/// a collection that is never loaded into memory. add and remove only record
/// history (no SELECT, no membership test), which the flush writes through the
/// relationship's dependency processor as for any collection; reading goes
/// through a query (select()). The other side of a pair records its changes
/// here too, without a load. Only a flush that needs the rows (deleting the
/// parent without passive_deletes) asks the relationship's strategy to load
/// them: write_only refuses, dynamic selects them for that flush.
class write_only_slot : public collection_slot {
 public:
  write_only_slot() = default;
  write_only_slot(write_only_slot&& o) noexcept : collection_slot(std::move(o)) {}

  void bind(instance_state* owner, const relationship_property* prop) override;
  /// A load for the flush (dynamic): the rows are kept for it, the slot stays unloaded.
  void set_loaded_states(std::vector<state_ref> states) override;
  /// Records that `s` leaves the collection (SQLAlchemy's WriteOnlyCollection.remove).
  void discard(instance_state* s);
  /// Flushes the owner's session first when it autoflushes and holds the owner;
  /// then whether the owner has a row to query by (SQLAlchemy's
  /// AppenderQuery.session: a dynamic<T> of an owner without one yields pending()).
  bool queryable();
  /// The query of the collection's rows (for query<T>): the relationship's
  /// criteria on the owner, read when it runs, and its order_by.
  query_base select_base() const;
  /// The objects added since the last flush (what a dynamic<T> of an owner
  /// without a row yields).
  const std::vector<state_ref>& pending() const noexcept { return added(); }
};

}  // namespace retort::orm::detail

namespace retort::orm::detail {
/// keyed<K, T>::at of a missing key: InvalidRequestError naming the relationship and the key.
[[noreturn]] void throw_missing_key(const collection_slot& c, const sql::value& key);
}  // namespace retort::orm::detail

namespace retort::orm {
/// Binds a new object's relationship members to it and processes values they
/// already hold (a `one<T>` set in an initializer joins the other side's collection).
void bind_slots(instance_state* s);
}  // namespace retort::orm

namespace retort {

/// A reference to one related object (many-to-one, or the scalar side of a one-to-one).
/// Works with an incomplete T. `post->author = user;` updates `user->posts` too.
template <class T>
class one : public orm::detail::scalar_slot {
 public:
  one() = default;
  one(std::nullptr_t) {}                                        // NOLINT: implicit, like a pointer
  one(const ptr<T>& target) : scalar_slot(target.state()) {}    // NOLINT: `.author = user`
  one(one&&) noexcept = default;

  one& operator=(const ptr<T>& target) {
    assign(target.state());
    return *this;
  }
  one& operator=(std::nullptr_t) {
    assign(nullptr);
    return *this;
  }
  /// Assigns an object Retort manages (reached through a ptr or a relationship).
  one& operator=(T& target) {
    assign(orm::state_of(target));
    return *this;
  }

  /// The related object as a handle (null if none); lazy-loads on first access.
  ptr<T> get() { return ptr<T>(resolve()); }
  /// The related object; NullReferenceError when there is none.
  T* operator->() {
    auto p = get();
    if (!p) orm::throw_null_reference(orm::detail::type_name<T>(), "one");
    return p.get();
  }
  T& operator*() { return *operator->(); }
  /// Whether there is a related object (loads it first; logically const).
  explicit operator bool() const { return const_cast<one*>(this)->resolve() != nullptr; }
  bool operator==(const ptr<T>& p) { return resolve() == p.state(); }
};

namespace orm::detail {
/// Iterates a collection's objects (T&), in the collection's order.
template <class T>
class collection_iterator {
 public:
  using value_type = T;
  using reference = T&;
  using difference_type = std::ptrdiff_t;
  collection_iterator() = default;
  explicit collection_iterator(const orm::state_ref* p) : p_(p) {}
  T& operator*() const { return *ptr<T>(p_->get()); }
  T* operator->() const { return ptr<T>(p_->get()).get(); }
  /// The current object as a handle.
  ptr<T> handle() const { return ptr<T>(p_->get()); }
  collection_iterator& operator++() {
    ++p_;
    return *this;
  }
  collection_iterator operator++(int) {
    auto old = *this;
    ++p_;
    return old;
  }
  bool operator==(const collection_iterator& o) const { return p_ == o.p_; }

 private:
  const orm::state_ref* p_ = nullptr;
};
}  // namespace orm::detail

/// A collection of related objects (one-to-many). Loads on first access;
/// `add` and `remove` update the other side (back_populates) at once.
template <class T>
class many : public orm::detail::collection_slot {
 public:
  many() = default;
  many(many&&) noexcept = default;
  /// Makes the collection hold exactly these objects: the ones not listed are
  /// removed, the new ones appended (`u->posts = {a, b}`), each side kept in step.
  many& operator=(std::initializer_list<ptr<T>> objects) {
    assign(std::vector<ptr<T>>(objects));
    return *this;
  }
  void assign(const std::vector<ptr<T>>& objects) {
    std::vector<orm::instance_state*> states;
    states.reserve(objects.size());
    for (const auto& p : objects) states.push_back(p.state());
    replace(states);
  }

  using iterator = orm::detail::collection_iterator<T>;

  iterator begin() { return iterator(items().data()); }
  iterator end() { return iterator(items().data() + items().size()); }
  std::size_t size() { return items().size(); }
  bool empty() { return items().empty(); }
  /// The i-th object as a handle.
  ptr<T> at(std::size_t i) { return ptr<T>(items().at(i).get()); }
  ptr<T> operator[](std::size_t i) { return at(i); }

  /// Creates a new object from `value` and appends it (it is saved with its owner).
  ptr<T> add(T&& value);
  /// Appends an existing object.
  ptr<T> add(const ptr<T>& p) {
    append(p.state());
    return p;
  }
  /// Puts an object at position `i` (moving it there if it is in the collection already);
  /// an ordering_list renumbers the items after it.
  ptr<T> insert(std::size_t i, const ptr<T>& p) {
    collection_slot::insert(i, p.state());
    return p;
  }
  ptr<T> insert(std::size_t i, T&& value);
  void remove(const ptr<T>& p) { collection_slot::remove(p.state()); }
  void remove(T& obj) { collection_slot::remove(orm::state_of(obj)); }
  bool contains(const ptr<T>& p) {
    items();  // loads
    return items_.contains(p.state());
  }
};

/// A set of related objects (SQLAlchemy's collection_class=set): each object at
/// most once, no positions. Same loading, back-population and flush as many<T>;
/// iteration follows the order objects joined (loaded ones by primary key).
template <class T>
class set_of : public orm::detail::collection_slot {
 public:
  using iterator = orm::detail::collection_iterator<T>;
  set_of() = default;
  set_of(set_of&&) noexcept = default;
  set_of& operator=(std::initializer_list<ptr<T>> objects) {
    assign(std::vector<ptr<T>>(objects));
    return *this;
  }
  void assign(const std::vector<ptr<T>>& objects) {
    std::vector<orm::instance_state*> states;
    for (const auto& p : objects) states.push_back(p.state());
    replace(states);
  }

  iterator begin() { return iterator(items().data()); }
  iterator end() { return iterator(items().data() + items().size()); }
  std::size_t size() { return items().size(); }
  bool empty() { return items().empty(); }
  bool contains(const ptr<T>& p) {
    items();  // loads
    return items_.contains(p.state());
  }
  /// Adds an object; false (and nothing changes) when it is in the set already.
  bool insert(const ptr<T>& p) {
    if (contains(p)) return false;
    append(p.state());
    return true;
  }
  /// Creates a new object from `value` and adds it.
  ptr<T> add(T&& value);
  ptr<T> add(const ptr<T>& p) {
    insert(p);
    return p;
  }
  /// Removes an object; false when it is not in the set (SQLAlchemy's set.discard).
  bool erase(const ptr<T>& p) {
    if (!contains(p)) return false;
    remove(p.state());
    return true;
  }
  void discard(const ptr<T>& p) { erase(p); }
};

/// A map of related objects keyed by an attribute of T (SQLAlchemy's
/// attribute_keyed_dict): `retort::keyed<std::string, Note> notes;` mapped with
/// `relationship<&Item::notes>(attribute_keyed_dict<&Note::keyword>)`. The key is
/// the child's attribute, read when asked: a child appended from the other side
/// (`note->item = item`) is found under its keyword.
///
///   item->notes["color"] = note;   // note->keyword must be "color"; a previous "color" note leaves
///   item->notes["color"]->text;    // KeyError-like InvalidRequestError when missing
///   item->notes.contains("color"); item->notes.erase("color");
template <class K, class T>
class keyed : public orm::detail::collection_slot {
 public:
  using key_type = K;
  using iterator = orm::detail::collection_iterator<T>;
  keyed() = default;
  keyed(keyed&&) noexcept = default;

  /// What `d[key]` gives: assignable (`d[key] = child`) and readable (`d[key]->text`).
  class entry {
   public:
    entry(keyed& c, K key) : c_(c), key_(std::move(key)) {}
    entry& operator=(const ptr<T>& child) {
      c_.set(key_, child);
      return *this;
    }
    operator ptr<T>() const { return c_.at(key_); }  // NOLINT: reads like the map's value
    T* operator->() const { return c_.at(key_).get(); }
    T& operator*() const { return *c_.at(key_); }

   private:
    keyed& c_;
    K key_;
  };

  entry operator[](K key) { return entry(*this, std::move(key)); }
  /// The child under `key`; InvalidRequestError naming the relationship when there is none.
  ptr<T> at(const K& key) {
    auto p = find(key);
    if (!p) orm::detail::throw_missing_key(*this, sql::value_traits<K>::to(key));
    return p;
  }
  /// The child under `key`, or null.
  ptr<T> find(const K& key) { return ptr<T>(find_key(sql::value_traits<K>::to(key))); }
  bool contains(const K& key) { return static_cast<bool>(find(key)); }
  /// `d[key] = child`: the child's attribute must equal `key` (ArgumentError otherwise).
  void set(const K& key, const ptr<T>& child) { set_key(sql::value_traits<K>::to(key), child.state()); }
  /// Adds a child under its own key (SQLAlchemy's KeyFuncDict.set): a child already under that key leaves.
  ptr<T> add(const ptr<T>& child) {
    set_key(key_of(child.state()), child.state());
    return child;
  }
  ptr<T> add(T&& value);
  /// Removes the child under `key`; false when there is none.
  bool erase(const K& key) {
    auto p = find(key);
    if (!p) return false;
    remove(p.state());
    return true;
  }
  std::vector<K> keys() {
    std::vector<K> out;
    for (const auto& r : items()) out.push_back(sql::value_traits<K>::from(key_of(r.get())));
    return out;
  }
  iterator begin() { return iterator(items().data()); }
  iterator end() { return iterator(items().data() + items().size()); }
  std::size_t size() { return items().size(); }
  bool empty() { return items().empty(); }
};

}  // namespace retort
