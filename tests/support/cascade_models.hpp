// Fixture models for the session cascades (tests/scenarios/session_cascades_test.cpp):
// expunge, refresh-expire, merge, single_parent and pending orphans, each with
// the SQLAlchemy declaration it mirrors beside it.
#pragma once

#include <optional>
#include <string>

#include "retort/retort.hpp"

namespace casc {

// An album owns its tracks, and a track cascades expunge and refresh-expire back
// to its album (a cycle the cascades must walk once each):
//   Album.tracks = relationship("Track", back_populates="album", cascade="all, delete-orphan")
//   Track.album = relationship("Album", back_populates="tracks",
//                              cascade="save-update, merge, expunge, refresh-expire")
struct Track;
struct Album {
  int id = 0;
  std::string title{};
  retort::many<Track> tracks{};
};
struct Track {
  int id = 0;
  std::string title{};
  std::optional<int> album_id{};
  retort::one<Album> album{};
};

// The default cascade (save-update, merge):
//   Crate.bottles = relationship("Bottle", back_populates="crate")
struct Bottle;
struct Crate {
  int id = 0;
  std::string label{};
  retort::many<Bottle> bottles{};
};
struct Bottle {
  int id = 0;
  std::string wine{};
  std::optional<int> crate_id{};
  retort::one<Crate> crate{};
};

// delete-orphan on a many-to-one, with single_parent:
//   Vehicle.plate = relationship("Plate", cascade="all, delete-orphan", single_parent=True, backref="vehicles")
struct Plate;
struct Vehicle {
  int id = 0;
  std::string model{};
  std::optional<int> plate_id{};
  retort::one<Plate> plate{};
};
struct Plate {
  int id = 0;
  std::string number{};
  retort::many<Vehicle> vehicles{};
};

// delete-orphan on a many-to-many, with single_parent:
//   drawer_socks = Table("drawer_socks", Column("drawer_id", ...), Column("sock_id", ...))
//   Drawer.socks = relationship("Sock", secondary=drawer_socks, cascade="all, delete-orphan",
//                               single_parent=True, back_populates="drawers")
struct Sock;
struct Drawer {
  int id = 0;
  std::string name{};
  retort::many<Sock> socks{};
};
struct Sock {
  int id = 0;
  std::string colour{};
  retort::many<Drawer> drawers{};
};

}  // namespace casc

template <>
inline constexpr auto retort::mapping<casc::Album> = retort::model(
    retort::column<&casc::Album::id>(retort::primary_key), retort::column<&casc::Album::title>(retort::String(50)),
    retort::relationship<&casc::Album::tracks>(retort::cascades("all, delete-orphan"),
                                               retort::back_populates<&casc::Track::album>));
template <>
inline constexpr auto retort::mapping<casc::Track> = retort::model(
    retort::column<&casc::Track::id>(retort::primary_key), retort::column<&casc::Track::title>(retort::String(50)),
    retort::column<&casc::Track::album_id>(retort::foreign_key<&casc::Album::id>),
    retort::relationship<&casc::Track::album>(retort::cascades("save-update, merge, expunge, refresh-expire"),
                                              retort::back_populates<&casc::Album::tracks>));

template <>
inline constexpr auto retort::mapping<casc::Crate> = retort::model(
    retort::column<&casc::Crate::id>(retort::primary_key), retort::column<&casc::Crate::label>(retort::String(50)),
    retort::relationship<&casc::Crate::bottles>(retort::back_populates<&casc::Bottle::crate>));
template <>
inline constexpr auto retort::mapping<casc::Bottle> = retort::model(
    retort::column<&casc::Bottle::id>(retort::primary_key), retort::column<&casc::Bottle::wine>(retort::String(50)),
    retort::column<&casc::Bottle::crate_id>(retort::foreign_key<&casc::Crate::id>),
    retort::relationship<&casc::Bottle::crate>(retort::back_populates<&casc::Crate::bottles>));

template <>
inline constexpr auto retort::mapping<casc::Vehicle> = retort::model(
    retort::column<&casc::Vehicle::id>(retort::primary_key), retort::column<&casc::Vehicle::model>(retort::String(50)),
    retort::column<&casc::Vehicle::plate_id>(retort::foreign_key<&casc::Plate::id>),
    retort::relationship<&casc::Vehicle::plate>(retort::cascades("all, delete-orphan"), retort::single_parent,
                                                retort::backref<&casc::Plate::vehicles>));
template <>
inline constexpr auto retort::mapping<casc::Plate> = retort::model(
    retort::column<&casc::Plate::id>(retort::primary_key), retort::column<&casc::Plate::number>(retort::String(20)));

namespace casc {
inline constexpr auto drawer_socks = retort::association_table("drawer_socks", retort::link<&Drawer::id>("drawer_id"),
                                                               retort::link<&Sock::id>("sock_id"));
}  // namespace casc

template <>
inline constexpr auto retort::mapping<casc::Drawer> = retort::model(
    retort::column<&casc::Drawer::id>(retort::primary_key), retort::column<&casc::Drawer::name>(retort::String(50)),
    retort::relationship<&casc::Drawer::socks>(retort::secondary<casc::drawer_socks>,
                                               retort::cascades("all, delete-orphan"), retort::single_parent,
                                               retort::back_populates<&casc::Sock::drawers>));
template <>
inline constexpr auto retort::mapping<casc::Sock> = retort::model(
    retort::column<&casc::Sock::id>(retort::primary_key), retort::column<&casc::Sock::colour>(retort::String(20)),
    retort::relationship<&casc::Sock::drawers>(retort::secondary<casc::drawer_socks>,
                                               retort::back_populates<&casc::Drawer::socks>));
