// Forward declarations of the ORM's types, for headers that only name them.
#pragma once

namespace retort {
template <class T>
class ptr;
template <class T>
class one;
template <class T>
class many;
template <class T>
class write_only;
template <class T>
class dynamic;
template <class T>
class query;
template <class T>
class pagination;
class session;
class database;
}  // namespace retort

namespace retort::orm {
class mapper;
struct column_property;
struct relationship_property;
struct instance_state;
class session_impl;
class loader_strategy;
}  // namespace retort::orm
