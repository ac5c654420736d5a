// Relationship members: one<T> (a reference to one object) and many<T> (a
// collection). Both are thin typed shells over compiled slots that know their
// owner, load lazily through the relationship's loader strategy, and keep the
// other side (back_populates) in sync in memory before any flush.
// Contract: a relationship member must be mapped with retort::relationship<>,
// and its counterpart named by back_populates must name it back.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "retort/orm/ptr.hpp"
#include "retort/util/function_ref.hpp"

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
  /// what reference counting (session_impl::collect_limbo) needs.
  virtual void for_each_target(target_fn f, bool history = true) const = 0;
  /// The other side of a bidirectional pair linked / unlinked `s` and this slot's
  /// owner: the value follows, with history, but no further back-population.
  virtual void link_quiet(instance_state* s) = 0;
  virtual void unlink_quiet(instance_state* s) = 0;
  /// A loader's result (pending changes made while unloaded win over it).
  virtual void set_loaded_states(std::vector<state_ref> states) = 0;

 protected:
  slot(slot&& o) noexcept : loaded_(o.loaded_) {}
  instance_state* owner_ = nullptr;
  const relationship_property* prop_ = nullptr;
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
  void link_quiet(instance_state* s) override;
  void unlink_quiet(instance_state* s) override;
  void set_loaded_states(std::vector<state_ref> states) override;

 private:
  void set_quiet(instance_state* target);
  state_ref target_;
  state_ref previous_;
  bool changed_ = false;
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
  /// Makes the collection hold exactly `states`, as appends and removes (`u->posts = {a, b}`).
  void replace(const std::vector<instance_state*>& states);
  std::size_t size() { return items().size(); }

  // Used by the ORM core.
  const std::vector<state_ref>& peek() const noexcept { return items_; }
  const std::vector<state_ref>& added() const noexcept { return added_; }
  const std::vector<state_ref>& removed() const noexcept { return removed_; }

  void bind(instance_state* owner, const relationship_property* prop) override;
  void unload() override;
  void clear_history() noexcept override {
    added_.clear();
    removed_.clear();
  }
  bool has_history() const noexcept override { return !added_.empty() || !removed_.empty(); }
  void for_each_target(target_fn f, bool history = true) const override;
  void link_quiet(instance_state* s) override;
  void unlink_quiet(instance_state* s) override;
  void set_loaded_states(std::vector<state_ref> states) override;

 private:
  void note_added(instance_state* s);
  void note_removed(instance_state* s);
  std::vector<state_ref> items_;
  std::vector<state_ref> added_, removed_;  ///< since the last flush (also while unloaded)
};

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

  class iterator {
   public:
    using value_type = T;
    using reference = T&;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(const orm::state_ref* p) : p_(p) {}
    T& operator*() const { return *ptr<T>(p_->get()); }
    T* operator->() const { return ptr<T>(p_->get()).get(); }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++p_;
      return old;
    }
    bool operator==(const iterator& o) const { return p_ == o.p_; }

   private:
    const orm::state_ref* p_ = nullptr;
  };

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
  void remove(const ptr<T>& p) { collection_slot::remove(p.state()); }
  void remove(T& obj) { collection_slot::remove(orm::state_of(obj)); }
  bool contains(const ptr<T>& p) {
    for (const auto& r : items())
      if (r.get() == p.state()) return true;
    return false;
  }
};

}  // namespace retort
