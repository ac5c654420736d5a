// Mapping mistakes raise ConfigurationError naming class, attribute and fix,
// when the registry is configured (first use), never later. Each broken
// mapping here is used by one test only: configuration covers the classes
// reachable from the one asked for, so one mistake does not hide the others.
#include <gtest/gtest.h>

#include "retort/retort.hpp"
#include "support/backend.hpp"

namespace cfg {

// back_populates names a column, not a relationship.
struct Owner1;
struct Pet1 {
  int id = 0;
  int owner1_id = 0;
  retort::one<Owner1> owner{};
};
struct Owner1 {
  int id = 0;
  retort::many<Pet1> pets{};
};

// No foreign key between the two tables.
struct Pet2;
struct Owner2 {
  int id = 0;
  retort::many<Pet2> pets{};
};
struct Pet2 {
  int id = 0;
  int owner_id = 0;
};

// Foreign key type does not match the referenced key.
struct Owner3 {
  int id = 0;
};
struct Pet3 {
  int id = 0;
  std::string owner_id{};
};

// No primary key.
struct Keyless {
  int id = 0;
};

// Unknown loader strategy.
struct Pet5;
struct Owner5 {
  int id = 0;
  retort::many<Pet5> pets{};
};
struct Pet5 {
  int id = 0;
  int owner_id = 0;
};

// back_populates pairs that do not name each other.
struct Pet6;
struct Owner6 {
  int id = 0;
  retort::many<Pet6> pets{};
  retort::many<Pet6> favourites{};
};
struct Pet6 {
  int id = 0;
  int owner_id = 0;
  retort::one<Owner6> owner{};
};

// Foreign key without a declared type: the member must hold the referenced key.
struct Owner7 {
  int id = 0;
};
struct Pet7 {
  int id = 0;
  std::string owner_id{};
};

// A declared type the member cannot hold.
struct Gauge {
  int id = 0;
  int reading = 0;
};

// Two foreign keys to the same table, and relationships that do not say which.
struct Letter;
struct Writer {
  int id = 0;
  retort::many<Letter> letters{};
};
struct Letter {
  int id = 0;
  int sender_id = 0;
  int recipient_id = 0;
  retort::one<Writer> sender{};
};

// foreign_keys naming a column that is not a foreign key between the two.
struct Note;
struct Author9 {
  int id = 0;
  retort::many<Note> notes{};
};
struct Note {
  int id = 0;
  int author9_id = 0;
  int editor_id = 0;
};

// A 32-bit member referencing a 64-bit key.
struct Ledger {
  std::int64_t id = 0;
};
struct Ticket {
  int id = 0;
  int account_id = 0;
};

// Two foreign keys to one table, on the one-to-many side: AmbiguousForeignKeysError.
struct Transfer;
struct Account {
  int id = 0;
  retort::many<Transfer> transfers{};
};
struct Transfer {
  int id = 0;
  int from_id = 0;
  int to_id = 0;
};

// A self-referential many-to-many whose two links both reference the class, neither named.
struct Peer {
  int id = 0;
  retort::many<Peer> peers{};
};
inline constexpr auto peer_links =
    retort::association_table("peer_links", retort::link<&Peer::id>("a_id"), retort::link<&Peer::id>("b_id"));

// secondary naming a table with no foreign key to the target.
struct Volume;
struct Crate {
  int id = 0;
};
struct Shelf {
  int id = 0;
  retort::many<Volume> volumes{};
};
struct Volume {
  int id = 0;
};
inline constexpr auto shelf_items =
    retort::association_table("shelf_items", retort::link<&Shelf::id>("shelf_id"), retort::link<&Crate::id>("crate_id"));

// Self-referential collections without a foreign key to the class itself: none
// at all (Twig), and one to another table (Branch.trunk_id).
struct Twig {
  int id = 0;
  retort::many<Twig> children{};
};
struct Trunk {
  int id = 0;
};
struct Branch {
  int id = 0;
  int trunk_id = 0;
  retort::many<Branch> children{};
};

// many<> on the side that holds the foreign key.
struct Stem;
struct Leaf {
  int id = 0;
  int stem_id = 0;
  retort::many<Stem> stems{};
};
struct Stem {
  int id = 0;
};

// backref onto a member the target maps itself.
struct Item;
struct Shop {
  int id = 0;
  retort::many<Item> items{};
};
struct Item {
  int id = 0;
  std::optional<int> shop_id{};
  retort::one<Shop> shop{};
};

// viewonly with a cascade that writes.
struct Reply;
struct Thread {
  int id = 0;
  retort::many<Reply> replies{};
};
struct Reply {
  int id = 0;
  std::optional<int> thread_id{};
};

// join_where naming a member the target does not map; join_where with a backref.
struct Task;
struct Board {
  int id = 0;
  retort::many<Task> open_tasks{};
};
struct Task {
  int id = 0;
  bool done = false;
  std::optional<int> board_id{};
};
struct Lane;
struct Card {
  int id = 0;
  bool done = false;
  std::optional<int> lane_id{};
  retort::one<Lane> lane{};
};
struct Lane {
  int id = 0;
  retort::many<Card> open_cards{};
};

// Classes that reach no broken mapping: create_all of their set works.
struct Solo {
  int id = 0;
  std::string name{};
};
struct Pair;
struct PairPart {
  int id = 0;
  std::optional<int> pair_id{};
  retort::one<Pair> pair{};
};
struct Pair {
  int id = 0;
  retort::many<PairPart> parts{};
};

// delete-orphan where a target may have many parents, without single_parent:
// on a many-to-one (Sticker.label) and a many-to-many (Album.photos); and
// single_parent without a reverse to see the parents through (Coupon.shop).
struct Label {
  int id = 0;
};
struct Sticker {
  int id = 0;
  int label_id = 0;
  retort::one<Label> label{};
};
struct Photo {
  int id = 0;
};
struct Album {
  int id = 0;
  retort::many<Photo> photos{};
};
inline constexpr auto album_photos = retort::association_table("album_photos", retort::link<&Album::id>("album_id"),
                                                               retort::link<&Photo::id>("photo_id"));
struct Store {
  int id = 0;
};
struct Coupon {
  int id = 0;
  int store_id = 0;
  retort::one<Store> store{};
};

// The write_only strategy named on a loaded collection: the member type must say it.
struct Shelf9;
struct Book9 {
  int id = 0;
  int shelf9_id = 0;
};
struct Shelf9 {
  int id = 0;
  retort::many<Book9> books{};
};

}  // namespace cfg

using namespace cfg;
template <>
inline constexpr auto retort::mapping<Owner1> =
    retort::model(retort::column<&Owner1::id>(retort::primary_key),
                  retort::relationship<&Owner1::pets>(retort::back_populates<&Pet1::owner1_id>));
template <>
inline constexpr auto retort::mapping<Pet1> =
    retort::model(retort::column<&Pet1::id>(retort::primary_key),
                  retort::column<&Pet1::owner1_id>(retort::foreign_key<&Owner1::id>),
                  retort::relationship<&Pet1::owner>());
template <>
inline constexpr auto retort::mapping<Owner2> =
    retort::model(retort::column<&Owner2::id>(retort::primary_key), retort::relationship<&Owner2::pets>());
template <>
inline constexpr auto retort::mapping<Pet2> =
    retort::model(retort::column<&Pet2::id>(retort::primary_key), retort::column<&Pet2::owner_id>());
template <>
inline constexpr auto retort::mapping<Owner3> = retort::model(retort::column<&Owner3::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Pet3> =
    retort::model(retort::column<&Pet3::id>(retort::primary_key),
                  retort::column<&Pet3::owner_id>(retort::String(10), retort::foreign_key<&Owner3::id>));
template <>
inline constexpr auto retort::mapping<Keyless> = retort::model(retort::column<&Keyless::id>());
template <>
inline constexpr auto retort::mapping<Owner5> = retort::model(
    retort::column<&Owner5::id>(retort::primary_key), retort::relationship<&Owner5::pets>(retort::lazy_named("eager")));
template <>
inline constexpr auto retort::mapping<Pet5> =
    retort::model(retort::column<&Pet5::id>(retort::primary_key),
                  retort::column<&Pet5::owner_id>(retort::foreign_key<&Owner5::id>));
template <>
inline constexpr auto retort::mapping<Owner6> =
    retort::model(retort::column<&Owner6::id>(retort::primary_key),
                  retort::relationship<&Owner6::pets>(retort::back_populates<&Pet6::owner>),
                  retort::relationship<&Owner6::favourites>(retort::back_populates<&Pet6::owner>));
template <>
inline constexpr auto retort::mapping<Pet6> =
    retort::model(retort::column<&Pet6::id>(retort::primary_key),
                  retort::column<&Pet6::owner_id>(retort::foreign_key<&Owner6::id>),
                  retort::relationship<&Pet6::owner>(retort::back_populates<&Owner6::pets>));

template <>
inline constexpr auto retort::mapping<Owner7> = retort::model(retort::column<&Owner7::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Pet7> =
    retort::model(retort::column<&Pet7::id>(retort::primary_key),
                  retort::column<&Pet7::owner_id>(retort::foreign_key<&Owner7::id>));
template <>
inline constexpr auto retort::mapping<Gauge> = retort::model(retort::column<&Gauge::id>(retort::primary_key),
                                                             retort::column<&Gauge::reading>(retort::String(10)));
template <>
inline constexpr auto retort::mapping<Writer> =
    retort::model(retort::column<&Writer::id>(retort::primary_key), retort::relationship<&Writer::letters>());
template <>
inline constexpr auto retort::mapping<Letter> =
    retort::model(retort::column<&Letter::id>(retort::primary_key),
                  retort::column<&Letter::sender_id>(retort::foreign_key<&Writer::id>),
                  retort::column<&Letter::recipient_id>(retort::foreign_key<&Writer::id>),
                  retort::relationship<&Letter::sender>());
template <>
inline constexpr auto retort::mapping<Author9> = retort::model(
    retort::column<&Author9::id>(retort::primary_key),
    retort::relationship<&Author9::notes>(retort::foreign_keys<&Note::editor_id>));
template <>
inline constexpr auto retort::mapping<Note> =
    retort::model(retort::column<&Note::id>(retort::primary_key),
                  retort::column<&Note::author9_id>(retort::foreign_key<&Author9::id>), retort::column<&Note::editor_id>());

template <>
inline constexpr auto retort::mapping<Ledger> = retort::model(retort::column<&Ledger::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Ticket> =
    retort::model(retort::column<&Ticket::id>(retort::primary_key),
                  retort::column<&Ticket::account_id>(retort::foreign_key<&Ledger::id>));

template <>
inline constexpr auto retort::mapping<Account> =
    retort::model(retort::column<&Account::id>(retort::primary_key), retort::relationship<&Account::transfers>());
template <>
inline constexpr auto retort::mapping<Transfer> =
    retort::model(retort::column<&Transfer::id>(retort::primary_key),
                  retort::column<&Transfer::from_id>(retort::foreign_key<&Account::id>),
                  retort::column<&Transfer::to_id>(retort::foreign_key<&Account::id>));
template <>
inline constexpr auto retort::mapping<Peer> = retort::model(retort::column<&Peer::id>(retort::primary_key),
                                                            retort::relationship<&Peer::peers>(retort::secondary<peer_links>));
template <>
inline constexpr auto retort::mapping<Crate> = retort::model(retort::column<&Crate::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Shelf> = retort::model(
    retort::column<&Shelf::id>(retort::primary_key), retort::relationship<&Shelf::volumes>(retort::secondary<shelf_items>));
template <>
inline constexpr auto retort::mapping<Volume> = retort::model(retort::column<&Volume::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Twig> =
    retort::model(retort::column<&Twig::id>(retort::primary_key), retort::relationship<&Twig::children>());
template <>
inline constexpr auto retort::mapping<Trunk> = retort::model(retort::column<&Trunk::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Branch> =
    retort::model(retort::column<&Branch::id>(retort::primary_key),
                  retort::column<&Branch::trunk_id>(retort::foreign_key<&Trunk::id>),
                  retort::relationship<&Branch::children>());
template <>
inline constexpr auto retort::mapping<Leaf> =
    retort::model(retort::column<&Leaf::id>(retort::primary_key),
                  retort::column<&Leaf::stem_id>(retort::foreign_key<&Stem::id>), retort::relationship<&Leaf::stems>());
template <>
inline constexpr auto retort::mapping<Stem> = retort::model(retort::column<&Stem::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Shop> = retort::model(
    retort::column<&Shop::id>(retort::primary_key), retort::relationship<&Shop::items>(retort::backref<&Item::shop>));
template <>
inline constexpr auto retort::mapping<Item> =
    retort::model(retort::column<&Item::id>(retort::primary_key),
                  retort::column<&Item::shop_id>(retort::foreign_key<&Shop::id>), retort::relationship<&Item::shop>());
template <>
inline constexpr auto retort::mapping<Thread> = retort::model(
    retort::column<&Thread::id>(retort::primary_key),
    retort::relationship<&Thread::replies>(retort::viewonly, retort::cascades("all, delete-orphan")));
template <>
inline constexpr auto retort::mapping<Reply> =
    retort::model(retort::column<&Reply::id>(retort::primary_key),
                  retort::column<&Reply::thread_id>(retort::foreign_key<&Thread::id>));
template <>
inline constexpr auto retort::mapping<Board> = retort::model(
    retort::column<&Board::id>(retort::primary_key),
    retort::relationship<&Board::open_tasks>(retort::join_where<&Task::done>(false), retort::viewonly));
template <>
inline constexpr auto retort::mapping<Task> =
    retort::model(retort::column<&Task::id>(retort::primary_key),
                  retort::column<&Task::board_id>(retort::foreign_key<&Board::id>));  // Task::done not mapped
template <>
inline constexpr auto retort::mapping<Lane> = retort::model(
    retort::column<&Lane::id>(retort::primary_key),
    retort::relationship<&Lane::open_cards>(retort::join_where<&Card::done>(false), retort::backref<&Card::lane>));
template <>
inline constexpr auto retort::mapping<Card> =
    retort::model(retort::column<&Card::id>(retort::primary_key), retort::column<&Card::done>(),
                  retort::column<&Card::lane_id>(retort::foreign_key<&Lane::id>));
template <>
inline constexpr auto retort::mapping<Solo> =
    retort::model(retort::column<&Solo::id>(retort::primary_key), retort::column<&Solo::name>(retort::String(20)));
template <>
inline constexpr auto retort::mapping<Pair> = retort::model(
    retort::column<&Pair::id>(retort::primary_key), retort::relationship<&Pair::parts>(retort::back_populates<&PairPart::pair>));
template <>
inline constexpr auto retort::mapping<PairPart> =
    retort::model(retort::column<&PairPart::id>(retort::primary_key),
                  retort::column<&PairPart::pair_id>(retort::foreign_key<&Pair::id>),
                  retort::relationship<&PairPart::pair>(retort::back_populates<&Pair::parts>));
template <>
inline constexpr auto retort::mapping<Label> = retort::model(retort::column<&Label::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Sticker> =
    retort::model(retort::column<&Sticker::id>(retort::primary_key),
                  retort::column<&Sticker::label_id>(retort::foreign_key<&Label::id>),
                  retort::relationship<&Sticker::label>(retort::cascades("all, delete-orphan")));
template <>
inline constexpr auto retort::mapping<Photo> = retort::model(retort::column<&Photo::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Album> = retort::model(
    retort::column<&Album::id>(retort::primary_key),
    retort::relationship<&Album::photos>(retort::secondary<album_photos>, retort::cascades("all, delete-orphan")));
template <>
inline constexpr auto retort::mapping<Store> = retort::model(retort::column<&Store::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Coupon> = retort::model(
    retort::column<&Coupon::id>(retort::primary_key),
    retort::column<&Coupon::store_id>(retort::foreign_key<&Store::id>),
    retort::relationship<&Coupon::store>(retort::cascades("all, delete-orphan"), retort::single_parent));

template <>
inline constexpr auto retort::mapping<Book9> = retort::model(
    retort::column<&Book9::id>(retort::primary_key), retort::column<&Book9::shelf9_id>(retort::foreign_key<&Shelf9::id>));
template <>
inline constexpr auto retort::mapping<Shelf9> = retort::model(
    retort::column<&Shelf9::id>(retort::primary_key),
    retort::relationship<&Shelf9::books>(retort::lazy_named("write_only")));

namespace {

template <class T>
std::string configuration_error() {
  try {
    (void)retort::orm::mapper_for<T>();
  } catch (const retort::ConfigurationError& e) {
    return e.what();
  }
  return "";
}

TEST(configuration, back_populates_must_name_a_relationship) {
  auto what = configuration_error<Owner1>();
  EXPECT_NE(what.find("Owner1.pets"), std::string::npos) << what;
  EXPECT_NE(what.find("Pet1.owner1_id"), std::string::npos) << what;
  EXPECT_NE(what.find("which is a column, not a relationship"), std::string::npos) << what;
  EXPECT_NE(what.find("retort::one<Owner1> or retort::many<Owner1> member of Pet1"), std::string::npos) << what;
  EXPECT_EQ(what.find("relationship<&Pet1::owner1_id>"), std::string::npos) << what;  // would not compile
}

TEST(configuration, a_relationship_needs_a_foreign_key) {
  auto what = configuration_error<Owner2>();
  EXPECT_NE(what.find("Owner2.pets"), std::string::npos) << what;
  EXPECT_NE(what.find("no foreign key links table 'owner2' and table 'pet2'"), std::string::npos) << what;
  EXPECT_NE(what.find("foreign_key<&Owner2::id>"), std::string::npos) << what;
}

TEST(configuration, foreign_key_type_must_match) {
  auto what = configuration_error<Pet3>();
  EXPECT_NE(what.find("Pet3.owner_id"), std::string::npos) << what;
  EXPECT_NE(what.find("String does not match Owner3.id (Integer)"), std::string::npos) << what;
}

TEST(configuration, a_foreign_key_member_must_hold_the_referenced_type) {
  auto what = configuration_error<Pet7>();
  EXPECT_NE(what.find("Pet7.owner_id: a std::string member cannot hold Integer (the type of Owner7.id)"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("give the member the C++ type of Owner7.id"), std::string::npos) << what;
}

TEST(configuration, a_declared_type_must_fit_the_member) {
  auto what = configuration_error<Gauge>();
  EXPECT_NE(what.find("Gauge.reading: a 32-bit integer member cannot hold String"), std::string::npos) << what;
}

TEST(configuration, a_32_bit_member_cannot_reference_a_64_bit_key) {
  auto what = configuration_error<Ticket>();
  EXPECT_NE(what.find("Ticket.account_id: a 32-bit integer member cannot hold BigInteger (the type of Ledger.id)"),
            std::string::npos)
      << what;
}

TEST(configuration, two_foreign_keys_to_one_table_need_foreign_keys) {
  auto what = configuration_error<Letter>();
  EXPECT_NE(what.find("2 foreign keys link table 'letter' to table 'writer' (sender_id, recipient_id)"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("foreign_keys<&Letter::sender_id>"), std::string::npos) << what;
}

TEST(configuration, foreign_keys_must_name_a_foreign_key) {
  auto what = configuration_error<Author9>();
  EXPECT_NE(what.find("Author9.notes: foreign_keys names Note.editor_id, which is not a foreign key"),
            std::string::npos)
      << what;
}

TEST(configuration, a_primary_key_is_required) {
  auto what = configuration_error<Keyless>();
  EXPECT_NE(what.find("class Keyless has no primary key"), std::string::npos) << what;
}

TEST(configuration, unknown_loader_strategy) {
  auto what = configuration_error<Owner5>();
  EXPECT_NE(what.find("Owner5.pets: unknown loader strategy lazy_named(\"eager\")"), std::string::npos) << what;
  EXPECT_NE(what.find("select"), std::string::npos) << what;
}

TEST(configuration, back_populates_must_be_mutual) {
  auto what = configuration_error<Owner6>();
  EXPECT_NE(what.find("Owner6.favourites"), std::string::npos) << what;
  EXPECT_NE(what.find("make the two relationships name each other"), std::string::npos) << what;
}

/// The error configuring T raises, as E (a ConfigurationError or a subtype); "" when none, or of another type.
template <class T, class E>
std::string error_of_type() {
  try {
    (void)retort::orm::mapper_for<T>();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception&) {
  }
  return "";
}

TEST(configuration, two_foreign_keys_and_none_named_is_an_ambiguous_foreign_keys_error) {
  EXPECT_THROW((void)retort::orm::mapper_for<Account>(), retort::AmbiguousForeignKeysError);
  auto what = error_of_type<Account, retort::AmbiguousForeignKeysError>();
  EXPECT_NE(what.find("Account.transfers: 2 foreign keys link table 'transfer' to table 'account' (from_id, to_id)"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("retort::relationship<&Account::transfers>(retort::foreign_keys<&Transfer::from_id>)"),
            std::string::npos)
      << what;
  // It is a ConfigurationError too: code catching those catches it.
  EXPECT_THROW((void)retort::orm::mapper_for<Account>(), retort::ConfigurationError);
}

TEST(configuration, a_self_referential_many_to_many_must_name_its_columns) {
  auto what = error_of_type<Peer, retort::AmbiguousForeignKeysError>();
  EXPECT_NE(what.find("Peer.peers: both foreign keys of table 'peer_links' reference Peer"), std::string::npos) << what;
  EXPECT_NE(what.find("retort::secondary_columns(\"a_id\", \"b_id\")"), std::string::npos) << what;
}

TEST(configuration, secondary_needs_a_foreign_key_to_each_side) {
  auto what = configuration_error<Shelf>();
  EXPECT_NE(what.find("Shelf.volumes: secondary table 'shelf_items' has no foreign key to Volume"), std::string::npos)
      << what;
  EXPECT_NE(what.find("add retort::link<&Volume::id>(\"volume_id\") to its association_table"), std::string::npos)
      << what;
}

TEST(configuration, a_self_referential_collection_without_a_foreign_key_to_itself) {
  for (const auto& what : {configuration_error<Twig>(), configuration_error<Branch>()}) {
    auto cls = what.find("Twig") != std::string::npos ? std::string("Twig") : std::string("Branch");
    auto table = cls == "Twig" ? std::string("twig") : std::string("branch");
    EXPECT_NE(what.find(cls + ".children: no foreign key links table '" + table + "' to itself"), std::string::npos)
        << what;
    EXPECT_NE(what.find("retort::column<&" + cls + "::parent_id>(retort::foreign_key<&" + cls + "::id>)"),
              std::string::npos)
        << what;
    EXPECT_EQ(what.find("but it is on"), std::string::npos) << what;  // the old "on Node, but it is on Node"
  }
}

TEST(configuration, a_collection_on_the_side_holding_the_foreign_key) {
  auto what = configuration_error<Leaf>();
  EXPECT_NE(what.find("Leaf.stems: many<Stem> needs the foreign key on Stem, but it is on Leaf"), std::string::npos)
      << what;
  EXPECT_NE(what.find("declare it as retort::one<Stem>, or put the foreign key on Stem"), std::string::npos) << what;
}

TEST(configuration, a_backref_onto_a_member_the_target_maps) {
  auto what = configuration_error<Item>();  // used from the target's side: the group is configured together
  EXPECT_NE(what.find("Shop.items: backref creates Item.shop, which mapping<Item> maps already"), std::string::npos)
      << what;
  EXPECT_NE(what.find("backref<&Item::shop>"), std::string::npos) << what;
  EXPECT_NE(what.find("back_populates on both sides"), std::string::npos) << what;
}

TEST(configuration, a_viewonly_relationship_takes_no_writing_cascade) {
  auto what = configuration_error<Thread>();
  EXPECT_NE(what.find("Thread.replies: cascade delete, delete-orphan, save-update applies to writing, and the "
                      "relationship is viewonly"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("drop retort::viewonly"), std::string::npos) << what;
}

TEST(configuration, delete_orphan_on_a_many_to_one_needs_single_parent) {
  auto what = configuration_error<Sticker>();
  EXPECT_NE(what.find("Sticker.label: delete-orphan cascade is not supported on a many-to-one relationship when "
                      "single_parent is not set"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("add retort::single_parent"), std::string::npos) << what;
  EXPECT_NE(what.find("or put delete-orphan on the one-to-many side"), std::string::npos) << what;
}

TEST(configuration, delete_orphan_on_a_many_to_many_needs_single_parent) {
  auto what = configuration_error<Album>();
  EXPECT_NE(what.find("Album.photos: delete-orphan cascade is not supported on a many-to-many relationship when "
                      "single_parent is not set"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("add retort::single_parent"), std::string::npos) << what;
}

TEST(configuration, single_parent_needs_a_reverse_relationship) {
  auto what = configuration_error<Coupon>();
  EXPECT_NE(what.find("Coupon.store: single_parent needs the reverse relationship"), std::string::npos) << what;
  EXPECT_NE(what.find("retort::back_populates<&Store::...>"), std::string::npos) << what;
}

TEST(configuration, join_where_must_name_a_mapped_column) {
  auto what = configuration_error<Board>();
  EXPECT_NE(what.find("Board.open_tasks: join_where names Task.done, which is not a mapped column"), std::string::npos)
      << what;
  EXPECT_NE(what.find("retort::column<&Task::done>"), std::string::npos) << what;
}

TEST(configuration, join_where_is_not_mirrored_by_a_backref) {
  auto what = configuration_error<Lane>();
  EXPECT_NE(what.find("Lane.open_cards: join_where criteria on Card cannot be mirrored by backref<&Card::lane>"),
            std::string::npos)
      << what;
}

// One bad mapping stops only the classes that reach it: a model set of others
// creates its tables, and a set holding the bad class names it.
TEST(configuration, a_bad_mapping_does_not_stop_create_all_of_classes_that_do_not_reach_it) {
  ASSERT_FALSE(configuration_error<Twig>().empty());
  auto url = retort::testing::fresh_url(retort::testing::backend::sqlite);
  retort::database db(url, retort::models<Solo, Pair, PairPart>());
  ASSERT_NO_THROW(db.create_all());
  auto s = db.session();
  auto p = s.add(Pair{});
  p->parts.add(PairPart{});
  s.add(Solo{.name = "one"});
  s.commit();
  EXPECT_EQ(s.query<PairPart>().one()->pair_id, p->id);
  EXPECT_EQ(s.query<Solo>().count(), 1);

  retort::database bad(retort::testing::fresh_url(retort::testing::backend::sqlite), retort::models<Solo, Twig>());
  try {
    bad.create_all();
    FAIL() << "create_all of a set holding a broken mapping succeeded";
  } catch (const retort::ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("Twig.children"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(configuration_error<Twig>().empty());  // still broken; Solo still works
  EXPECT_EQ(s.query<Solo>().count(), 1);
}

TEST(configuration, errors_repeat_on_every_use) {
  EXPECT_FALSE(configuration_error<Keyless>().empty());
  EXPECT_FALSE(configuration_error<Keyless>().empty());
}

TEST(configuration, the_write_only_strategy_needs_a_write_only_member) {
  auto what = configuration_error<Shelf9>();
  EXPECT_NE(what.find("Shelf9.books"), std::string::npos) << what;
  EXPECT_NE(what.find("lazy_named(\"write_only\") needs a retort::write_only<T> or retort::dynamic<T> member"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("retort::write_only<Book9>"), std::string::npos) << what;
}

}  // namespace
