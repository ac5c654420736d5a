// Association proxies (SQLAlchemy's sqlalchemy.ext.associationproxy): a
// collection of link objects seen as the collection of what each link points
// at. A thin typed view over a many<Link> and a member of Link; every change it
// makes is an ordinary append to, or removal from, that collection, so the ORM
// core needs nothing of its own for it.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>

#include "retort/orm/mapper_builder.hpp"
#include "retort/orm/mapping.hpp"
#include "retort/util/error.hpp"

namespace retort {

namespace detail {

/// How a proxy reads and writes the far member of a link: a one<T> gives ptr<T>
/// (loaded on access), a column gives its value.
template <auto Far, class V = member_of<Far>>
struct proxy_far {
  using value_type = V;
  using link_type = class_of<Far>;
  static const V& get(link_type& link) { return link.*Far; }
  static void set(link_type& link, const V& v) { link.*Far = v; }
  static bool same(link_type& link, const V& v) { return link.*Far == v; }
};
template <auto Far, class T>
struct proxy_far<Far, one<T>> {
  using value_type = ptr<T>;
  using link_type = class_of<Far>;
  static ptr<T> get(link_type& link) { return (link.*Far).get(); }
  static void set(link_type& link, const ptr<T>& v) { link.*Far = v; }
  static bool same(link_type& link, const ptr<T>& v) { return (link.*Far).get() == v; }
};

template <class V>
inline constexpr bool is_many = false;
template <class T>
inline constexpr bool is_many<many<T>> = true;

template <auto Collection>
concept link_collection = std::is_member_object_pointer_v<decltype(Collection)> &&
                          relationship_member<member_of<Collection>>::value &&
                          relationship_member<member_of<Collection>>::collection;

}  // namespace detail

/// The far side of an association object as a collection (SQLAlchemy's
/// `association_proxy("enrollments", "course", creator=...)`): `Collection` is
/// the owner's many<Link>, `Far` the member of Link to present, a one<T>
/// (elements are ptr<T>) or a column (elements are its values).
///
///   inline constexpr retort::association_proxy<&Student::enrollments, &Enrollment::course> student_courses{};
///   auto courses = student_courses(student);   // or a member: auto Student::courses() { return student_courses(*this); }
///   courses.add(algebra);                      // appends Enrollment{.course = algebra} to student->enrollments
///   for (const auto& c : courses) ...          // each enrollment's course
///   courses.remove(algebra);                   // removes that enrollment from student->enrollments
///
/// `add` creates the link with the creator given at construction, or else
/// default-constructs a Link and sets `Far`; the new link joins the collection
/// as `Collection.add` would (save-update cascade, back-population). `remove`
/// removes the first link whose `Far` is the value from the collection: with a
/// delete-orphan cascade on `Collection` (the usual mapping of an association
/// object) the link's row is deleted at flush.
template <auto Collection, auto Far>
  requires detail::link_collection<Collection>
class association_proxy {
  using far = detail::proxy_far<Far>;

 public:
  using owner_type = detail::class_of<Collection>;
  using link_type = typename detail::relationship_member<detail::member_of<Collection>>::target;
  using value_type = typename far::value_type;
  /// Makes the link object for a value `add` is given.
  using creator_type = link_type (*)(const value_type&);
  static_assert(std::is_same_v<detail::class_of<Far>, link_type>,
                "retort::association_proxy<Collection, Far>: Far must be a member of the class Collection holds");
  static_assert(!detail::is_many<detail::member_of<Far>>,
                "retort::association_proxy<Collection, Far>: Far must be a one<T> or a column, not a many<T>");

  constexpr association_proxy() = default;
  /// With a creator: `association_proxy<...>{[](const ptr<Course>& c) { return Enrollment{.course = c}; }}`.
  constexpr explicit association_proxy(creator_type creator) : creator_(creator) {}

  /// The owner's proxied collection. The view refers to `owner`, which must outlive it.
  class view;
  view operator()(owner_type& owner) const { return view(owner, creator_); }
  view operator()(const ptr<owner_type>& owner) const { return view(*owner, creator_); }

 private:
  creator_type creator_ = nullptr;
};

template <auto Collection, auto Far>
  requires detail::link_collection<Collection>
class association_proxy<Collection, Far>::view {
  using links_type = many<link_type>;

 public:
  view(owner_type& owner, creator_type creator) : owner_(&owner), creator_(creator) {}

  class iterator {
   public:
    using value_type = association_proxy::value_type;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(typename links_type::iterator it) : it_(it) {}
    decltype(auto) operator*() const { return far::get(*it_); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++it_;
      return old;
    }
    bool operator==(const iterator& o) const { return it_ == o.it_; }

   private:
    typename links_type::iterator it_;
  };

  /// The link objects themselves (the proxied collection).
  links_type& links() const { return owner_->*Collection; }

  iterator begin() const { return iterator(links().begin()); }
  iterator end() const { return iterator(links().end()); }
  std::size_t size() const { return links().size(); }
  bool empty() const { return links().empty(); }
  /// The i-th link's far value.
  decltype(auto) at(std::size_t i) const { return far::get(*links().at(i)); }
  decltype(auto) operator[](std::size_t i) const { return at(i); }

  /// The first link whose far member is `v`, or null.
  ptr<link_type> link_for(const value_type& v) const {
    for (std::size_t i = 0; i < links().size(); ++i)
      if (auto l = links().at(i); far::same(*l, v)) return l;
    return nullptr;
  }
  bool contains(const value_type& v) const { return static_cast<bool>(link_for(v)); }

  /// Creates a link to `v` (the creator's, or a default-constructed Link with
  /// its far member set) and appends it to the collection; returns the link.
  ptr<link_type> add(const value_type& v) const {
    if (creator_) return links().add(creator_(v));
    link_type link{};
    far::set(link, v);
    return links().add(std::move(link));
  }
  /// Removes the first link to `v` from the collection; InvalidRequestError if there is none.
  void remove(const value_type& v) const {
    auto l = link_for(v);
    if (!l)
      throw InvalidRequestError("value is not in the association proxy over " +
                                std::string(orm::detail::type_name<owner_type>()) + "." +
                                std::string(util::member_name<Collection>()));
    links().remove(l);
  }
  /// Removes every link.
  void clear() const { links().clear(); }

 private:
  owner_type* owner_;
  creator_type creator_;
};

}  // namespace retort
