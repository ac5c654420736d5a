// Fixture models for custom join conditions, viewonly relationships and
// association proxies (tests/scenarios/join_conditions_test.cpp,
// association_proxy_test.cpp), each with the SQLAlchemy declaration it mirrors.
#pragma once

#include <optional>
#include <string>

#include "retort/retort.hpp"

namespace joins {

// primaryjoin with extra criteria, viewonly:
//   Mailbox.messages = relationship("Message", back_populates="mailbox")
//   Mailbox.unread = relationship("Message", viewonly=True,
//       primaryjoin="and_(Mailbox.id == Message.mailbox_id, Message.read == False)")
//   Mailbox.urgent_work = relationship("Message", viewonly=True,
//       primaryjoin="and_(Mailbox.id == Message.mailbox_id, Message.priority == 1, Message.label == 'work')")
//   Message.box = relationship("Mailbox", viewonly=True)
struct Message;
struct Mailbox {
  int id = 0;
  std::string name{};
  retort::many<Message> messages{};
  retort::many<Message> unread{};
  retort::many<Message> urgent_work{};
};
struct Message {
  int id = 0;
  std::string subject{};
  bool read = false;
  int priority = 0;
  std::string label{};
  std::optional<int> mailbox_id{};
  retort::one<Mailbox> mailbox{};
  retort::one<Mailbox> box{};
};

// A viewonly collection paired with a writable many-to-one:
//   Desk.memos = relationship("Memo", viewonly=True, back_populates="desk")
//   Memo.desk = relationship("Desk", back_populates="memos")
// Neither side back-populates the other (SQLAlchemy's sync_backref default).
struct Memo;
struct Desk {
  int id = 0;
  std::string owner{};
  retort::many<Memo> memos{};
};
struct Memo {
  int id = 0;
  std::string text{};
  std::optional<int> desk_id{};
  retort::one<Desk> desk{};
};

// An association object and a proxy over it:
//   Musician.memberships = relationship("BandMember", back_populates="musician", cascade="all, delete-orphan")
//   Musician.bands = association_proxy("memberships", "band")
//   Band.members = relationship("BandMember", back_populates="band")
struct BandMember;
struct Band;
struct Musician {
  int id = 0;
  std::string name{};
  retort::many<BandMember> memberships{};
  auto bands();  // the proxy, defined below once BandMember is complete
};
struct Band {
  int id = 0;
  std::string name{};
  retort::many<BandMember> members{};
};
struct BandMember {
  int musician_id = 0;
  int band_id = 0;
  std::string role{"member"};
  retort::one<Musician> musician{};
  retort::one<Band> band{};
};

// A proxy to a column (SQLAlchemy's "simplifying scalar collections"):
//   Recipe.tag_rows = relationship("RecipeTag", cascade="all, delete-orphan")
//   Recipe.tags = association_proxy("tag_rows", "name")
struct RecipeTag;
struct Recipe {
  int id = 0;
  std::string title{};
  retort::many<RecipeTag> tag_rows{};
};
struct RecipeTag {
  int id = 0;
  std::string name{};
  std::optional<int> recipe_id{};
  retort::one<Recipe> recipe{};
};

// Extra criteria on the target of a many-to-many, writable:
//   rack_discs = Table("rack_discs", Column("rack_id", ForeignKey("rack.id"), primary_key=True),
//                      Column("disc_id", ForeignKey("disc.id"), primary_key=True))
//   Rack.discs = relationship("Disc", secondary=rack_discs)
//   Rack.vinyls = relationship("Disc", secondary=rack_discs, overlaps="discs",
//       secondaryjoin="and_(Disc.id == rack_discs.c.disc_id, Disc.vinyl == True)")
struct Disc;
struct Rack {
  int id = 0;
  std::string name{};
  retort::many<Disc> discs{};
  retort::many<Disc> vinyls{};
};
struct Disc {
  int id = 0;
  std::string title{};
  bool vinyl = false;
};
inline constexpr auto rack_discs =
    retort::association_table("rack_discs", retort::link<&Rack::id>("rack_id"), retort::link<&Disc::id>("disc_id"));

// Extra criteria on the target of a many-to-one (not "simple": it is always
// SELECTed, never answered from the identity map), paired with a plain collection:
//   Campaign.pledges = relationship("Pledge", back_populates="open_campaign")
//   Pledge.open_campaign = relationship("Campaign", back_populates="pledges",
//       primaryjoin="and_(Pledge.campaign_id == Campaign.id, Campaign.closed == False)")
struct Pledge;
struct Campaign {
  int id = 0;
  std::string name{};
  bool closed = false;
  retort::many<Pledge> pledges{};
};
struct Pledge {
  int id = 0;
  int amount = 0;
  std::optional<int> campaign_id{};
  retort::one<Campaign> open_campaign{};
};

inline constexpr retort::association_proxy<&Musician::memberships, &BandMember::band> musician_bands{};
/// With a creator: SQLAlchemy's association_proxy(..., creator=lambda b: BandMember(band=b, role="guest")).
inline constexpr retort::association_proxy<&Musician::memberships, &BandMember::band> musician_guest_bands{
    [](const retort::ptr<Band>& b) { return BandMember{.role = "guest", .band = b}; }};
inline auto Musician::bands() { return musician_bands(*this); }
inline constexpr retort::association_proxy<&Recipe::tag_rows, &RecipeTag::name> recipe_tags{};

}  // namespace joins

template <>
inline constexpr auto retort::mapping<joins::Mailbox> = retort::model(
    retort::column<&joins::Mailbox::id>(retort::primary_key),
    retort::column<&joins::Mailbox::name>(retort::String(40)),
    retort::relationship<&joins::Mailbox::messages>(retort::back_populates<&joins::Message::mailbox>),
    retort::relationship<&joins::Mailbox::unread>(retort::join_where<&joins::Message::read>(false), retort::viewonly),
    retort::relationship<&joins::Mailbox::urgent_work>(retort::join_where<&joins::Message::priority>(1),
                                                       retort::join_where<&joins::Message::label>("work"),
                                                       retort::viewonly));
template <>
inline constexpr auto retort::mapping<joins::Message> = retort::model(
    retort::column<&joins::Message::id>(retort::primary_key),
    retort::column<&joins::Message::subject>(retort::String(80)),
    retort::column<&joins::Message::read>(), retort::column<&joins::Message::priority>(),
    retort::column<&joins::Message::label>(retort::String(20)),
    retort::column<&joins::Message::mailbox_id>(retort::foreign_key<&joins::Mailbox::id>),
    retort::relationship<&joins::Message::mailbox>(retort::back_populates<&joins::Mailbox::messages>),
    retort::relationship<&joins::Message::box>(retort::viewonly));

template <>
inline constexpr auto retort::mapping<joins::Desk> =
    retort::model(retort::column<&joins::Desk::id>(retort::primary_key),
                  retort::column<&joins::Desk::owner>(retort::String(40)),
                  retort::relationship<&joins::Desk::memos>(retort::viewonly, retort::back_populates<&joins::Memo::desk>));
template <>
inline constexpr auto retort::mapping<joins::Memo> =
    retort::model(retort::column<&joins::Memo::id>(retort::primary_key),
                  retort::column<&joins::Memo::text>(retort::String(80)),
                  retort::column<&joins::Memo::desk_id>(retort::foreign_key<&joins::Desk::id>),
                  retort::relationship<&joins::Memo::desk>(retort::back_populates<&joins::Desk::memos>));

template <>
inline constexpr auto retort::mapping<joins::Musician> = retort::model(
    retort::column<&joins::Musician::id>(retort::primary_key),
    retort::column<&joins::Musician::name>(retort::String(40)),
    retort::relationship<&joins::Musician::memberships>(retort::cascades("all, delete-orphan"),
                                                        retort::back_populates<&joins::BandMember::musician>));
template <>
inline constexpr auto retort::mapping<joins::Band> = retort::model(
    retort::column<&joins::Band::id>(retort::primary_key), retort::column<&joins::Band::name>(retort::String(40)),
    retort::relationship<&joins::Band::members>(retort::back_populates<&joins::BandMember::band>));
template <>
inline constexpr auto retort::mapping<joins::BandMember> = retort::model(
    retort::column<&joins::BandMember::musician_id>(retort::primary_key, retort::foreign_key<&joins::Musician::id>),
    retort::column<&joins::BandMember::band_id>(retort::primary_key, retort::foreign_key<&joins::Band::id>),
    retort::column<&joins::BandMember::role>(retort::String(20)),
    retort::relationship<&joins::BandMember::musician>(retort::back_populates<&joins::Musician::memberships>),
    retort::relationship<&joins::BandMember::band>(retort::back_populates<&joins::Band::members>));

template <>
inline constexpr auto retort::mapping<joins::Recipe> = retort::model(
    retort::table_name("tagged_recipe"),  // collections::Recipe, in the same test binary, maps "recipe"
    retort::column<&joins::Recipe::id>(retort::primary_key),
    retort::column<&joins::Recipe::title>(retort::String(40)),
    retort::relationship<&joins::Recipe::tag_rows>(retort::cascades("all, delete-orphan"),
                                                   retort::back_populates<&joins::RecipeTag::recipe>));
template <>
inline constexpr auto retort::mapping<joins::RecipeTag> = retort::model(
    retort::column<&joins::RecipeTag::id>(retort::primary_key),
    retort::column<&joins::RecipeTag::name>(retort::String(20)),
    retort::column<&joins::RecipeTag::recipe_id>(retort::foreign_key<&joins::Recipe::id>),
    retort::relationship<&joins::RecipeTag::recipe>(retort::back_populates<&joins::Recipe::tag_rows>));

template <>
inline constexpr auto retort::mapping<joins::Rack> = retort::model(
    retort::column<&joins::Rack::id>(retort::primary_key), retort::column<&joins::Rack::name>(retort::String(40)),
    retort::relationship<&joins::Rack::discs>(retort::secondary<joins::rack_discs>),
    retort::relationship<&joins::Rack::vinyls>(retort::secondary<joins::rack_discs>,
                                               retort::join_where<&joins::Disc::vinyl>(true)));
template <>
inline constexpr auto retort::mapping<joins::Disc> = retort::model(
    retort::column<&joins::Disc::id>(retort::primary_key), retort::column<&joins::Disc::title>(retort::String(40)),
    retort::column<&joins::Disc::vinyl>());

template <>
inline constexpr auto retort::mapping<joins::Campaign> = retort::model(
    retort::column<&joins::Campaign::id>(retort::primary_key),
    retort::column<&joins::Campaign::name>(retort::String(40)), retort::column<&joins::Campaign::closed>(),
    retort::relationship<&joins::Campaign::pledges>(retort::back_populates<&joins::Pledge::open_campaign>));
template <>
inline constexpr auto retort::mapping<joins::Pledge> = retort::model(
    retort::column<&joins::Pledge::id>(retort::primary_key), retort::column<&joins::Pledge::amount>(),
    retort::column<&joins::Pledge::campaign_id>(retort::foreign_key<&joins::Campaign::id>),
    retort::relationship<&joins::Pledge::open_campaign>(retort::join_where<&joins::Campaign::closed>(false),
                                                        retort::back_populates<&joins::Campaign::pledges>));
