// The common column types beyond numbers, text and dates (issue 10, item 6):
// enums by name (a native ENUM on PostgreSQL) and by value, JSON documents
// with in-place changes written at flush, UUIDs (native on PostgreSQL,
// CHAR(32) of hex on SQLite), timezone-aware timestamps, std::byte blobs, and a
// user type through value_traits (SQLAlchemy's TypeDecorator). Each
// round-trips on both databases, loads without making its object dirty, and
// is stored the way SQLAlchemy 2.0 stores it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "retort/sql/compiler.hpp"
#include "retort/sql/json.hpp"
#include "support/orm_fixture.hpp"

using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace ct {
enum class Status { draft, published, archived };
enum class Priority : std::int16_t { low = 1, high = 5 };  // no names: stored as its value

/// A user type (SQLAlchemy's TypeDecorator over Integer): money as whole cents.
struct Money {
  std::int64_t cents = 0;
  bool operator==(const Money&) const = default;
};

struct Ticket {
  int id = 0;
  std::string title;
  Status status = Status::draft;
  std::optional<Status> previous;
  Priority priority = Priority::low;
  nlohmann::json payload;
  std::optional<nlohmann::json> extra;
  retort::uuid token{};
  std::optional<retort::date_time_tz> due;
  std::vector<std::byte> raw;
  Money price;
};

/// A UUID primary key made by the client (`default=uuid.uuid4`).
struct Device {
  retort::uuid id{};
  std::string name;
};
}  // namespace ct

template <>
inline constexpr auto retort::enum_names<ct::Status> = retort::enumerators<ct::Status>(
    {{ct::Status::draft, "draft"}, {ct::Status::published, "published"}, {ct::Status::archived, "archived"}});

template <>
struct retort::sql::value_traits<ct::Money> {
  static constexpr type sql_type{type_kind::big_integer};
  static value to(const ct::Money& m) { return value(m.cents); }
  static ct::Money from(const value& v) { return ct::Money{v.as_int()}; }
};

template <>
inline constexpr auto retort::mapping<ct::Ticket> = retort::model(
    retort::column<&ct::Ticket::id>(retort::primary_key), retort::column<&ct::Ticket::title>(retort::String(40)),
    retort::column<&ct::Ticket::status>(), retort::column<&ct::Ticket::previous>(),
    retort::column<&ct::Ticket::priority>(), retort::column<&ct::Ticket::payload>(),
    retort::column<&ct::Ticket::extra>(), retort::column<&ct::Ticket::token>(), retort::column<&ct::Ticket::due>(),
    retort::column<&ct::Ticket::raw>(), retort::column<&ct::Ticket::price>());

template <>
inline constexpr auto retort::mapping<ct::Device> =
    retort::model(retort::column<&ct::Device::id>(retort::primary_key, retort::default_(retort::uuid4)),
                  retort::column<&ct::Device::name>(retort::String(40)));

namespace {

using ct::Device;
using ct::Status;
using ct::Ticket;
using retort::col;
using namespace std::chrono;

const retort::uuid token = *retort::uuid::parse("12345678-9abc-4def-8123-456789abcdef");

retort::date_time_tz due_at() {  // 2026-03-05 18:30:00.25 at +05:30, i.e. 13:00:00.25 UTC
  return retort::date_time_tz::at(sys_days{2026y / March / 5} + 18h + 30min + 250ms, 330min);
}

Ticket sample() {
  Ticket t;
  t.title = "first";
  t.status = Status::published;
  t.previous = Status::draft;
  t.priority = ct::Priority::high;
  t.payload = nlohmann::json{{"tags", {"a", "b"}}, {"n", 1}, {"nested", {{"ok", true}}}};
  t.token = token;
  t.due = due_at();
  t.raw = {std::byte{0}, std::byte{0xff}, std::byte{7}};
  t.price = ct::Money{1999};
  return t;
}

class column_types_test : public orm_test {
 protected:
  /// sample() committed, in a session of its own (id 1).
  void seed() {
    auto s = session();
    s.add(sample());
    s.commit();
  }
};
RETORT_ORM_SUITE(column_types_test);

TEST_P(column_types_test, every_type_round_trips_and_loads_clean) {
  seed();
  auto s = session();
  auto t = s.get<Ticket>(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, Status::published);
  EXPECT_EQ(t->previous, Status::draft);
  EXPECT_EQ(t->priority, ct::Priority::high);
  EXPECT_EQ(t->payload, sample().payload);
  EXPECT_EQ(t->extra, std::nullopt);
  EXPECT_EQ(t->token, token);
  ASSERT_TRUE(t->due);
  EXPECT_EQ(*t->due, due_at());  // the same instant
  EXPECT_EQ(t->due->utc, sys_days{2026y / March / 5} + 13h + 250ms);
  // Both keep the instant and read it back in UTC (PostgreSQL's timestamptz; SQLite's text in UTC).
  EXPECT_EQ(t->due->offset, 0min);
  EXPECT_EQ(t->raw, sample().raw);
  EXPECT_EQ(t->price, ct::Money{1999});
  // jsonb gives the document back in its own spelling ({"n": 1, ...}); the session
  // compares documents, so touching every member writes nothing.
  auto& rec = record();
  (void)t->payload;
  s.flush();
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(column_types_test, values_are_stored_as_sqlalchemy_stores_them) {
  seed();
  auto conn = db().engine().connect();
  auto r = conn.execute("SELECT status, priority, payload, token, due, price FROM ticket");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0][0].as_string(), "published");  // the name, not the number
  EXPECT_EQ(r[0][1], retort::sql::value(5));     // an enum without names: its value
  EXPECT_EQ(nlohmann::json::parse(r[0][2].json()), sample().payload);
  EXPECT_EQ(r[0][5], retort::sql::value(1999));
  if (postgres()) {
    EXPECT_EQ(r[0][3], retort::sql::value(token));  // native UUID
    EXPECT_EQ(r[0][4].as_date_time(), due_at().utc);
    auto type = conn.execute(
        "SELECT data_type, udt_name FROM information_schema.columns WHERE table_name = 'ticket' AND column_name IN "
        "('status', 'payload', 'token', 'due') AND table_schema = current_schema() ORDER BY column_name");
    ASSERT_EQ(type.size(), 4u);
    EXPECT_EQ(type[0][0].as_string(), "timestamp with time zone");  // due
    EXPECT_EQ(type[1][0].as_string(), "jsonb");                     // payload
    EXPECT_EQ(type[2][0].as_string(), "USER-DEFINED");              // status: the native ENUM
    EXPECT_EQ(type[2][1].as_string(), "status");
    EXPECT_EQ(type[3][0].as_string(), "uuid");  // token
  } else {
    EXPECT_EQ(r[0][3], retort::sql::value("123456789abc4def8123456789abcdef"));  // Python's uuid.hex
    EXPECT_EQ(r[0][4], retort::sql::value("2026-03-05 13:00:00.250000+00:00"));  // in UTC: text in time order
  }
}

TEST_P(column_types_test, create_all_makes_the_enum_type_first_and_drop_all_drops_it) {
  const auto models = retort::models<Ticket>();
  auto conn = db().engine().connect();
  auto create = retort::sql::create_all(models.metadata(), conn.dialect(), false);
  auto drop = retort::sql::drop_all(models.metadata(), conn.dialect(), false);
  ASSERT_FALSE(create.empty());
  if (postgres()) {
    EXPECT_EQ(create[0], "CREATE TYPE status AS ENUM ('draft', 'published', 'archived')");
    EXPECT_NE(create[1].find("status status NOT NULL"), std::string::npos) << create[1];
    EXPECT_NE(create[1].find("previous status,"), std::string::npos) << create[1];
    EXPECT_NE(create[1].find("payload JSONB NOT NULL"), std::string::npos) << create[1];
    EXPECT_NE(create[1].find("token UUID NOT NULL"), std::string::npos) << create[1];
    EXPECT_NE(create[1].find("due TIMESTAMP WITH TIME ZONE"), std::string::npos) << create[1];
    EXPECT_EQ(drop.back(), "DROP TYPE status");
    // create_all twice is a no-op (the type exists), as SQLAlchemy's checkfirst.
    EXPECT_NO_THROW(db().create_all());
  } else {
    EXPECT_NE(create[0].find("status VARCHAR(9) NOT NULL"), std::string::npos) << create[0];
    EXPECT_NE(create[0].find("payload TEXT NOT NULL"), std::string::npos) << create[0];
    EXPECT_NE(create[0].find("token CHAR(32) NOT NULL"), std::string::npos) << create[0];
    EXPECT_NE(create[0].find("due DATETIME"), std::string::npos) << create[0];
    EXPECT_EQ(drop.back().find("DROP TYPE"), std::string::npos);
  }
  EXPECT_NE(create[postgres() ? 1 : 0].find("priority INTEGER NOT NULL"), std::string::npos);
  EXPECT_NE(create[postgres() ? 1 : 0].find("price BIGINT NOT NULL"), std::string::npos);
}

TEST_P(column_types_test, a_document_changed_in_place_is_written_by_the_next_flush) {
  seed();
  auto s = session();
  auto t = s.get<Ticket>(1);
  ASSERT_TRUE(t);
  auto& rec = record();
  t->payload["nested"]["ok"] = false;
  t->payload["tags"].push_back("c");
  s.flush();
  auto expected = sample().payload;
  expected["nested"]["ok"] = false;
  expected["tags"].push_back("c");
  EXPECT_SQL(rec, {compiled_sql("UPDATE ticket SET payload = ? WHERE ticket.id = ?")
                       .params({retort::sql::json_text{expected.dump()}, 1})});
  // The same document assigned again is no change.
  rec.clear();
  t->payload = nlohmann::json(expected);
  s.flush();
  EXPECT_EQ(rec.count(), 0u);
  s.commit();
  auto fresh = session();
  EXPECT_EQ(fresh.get<Ticket>(1)->payload, expected);
}

TEST_P(column_types_test, a_json_null_document_and_a_sql_null_differ) {
  {
    auto s = session();
    Ticket t = sample();
    t.payload = nullptr;                // the document `null`
    t.extra = std::nullopt;             // SQL NULL
    s.add(std::move(t));
    Ticket u = sample();
    u.extra = nlohmann::json::array();  // an empty array, not NULL
    s.add(std::move(u));
    s.commit();
  }
  auto conn = db().engine().connect();
  auto r = conn.execute("SELECT payload, extra FROM ticket ORDER BY id");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][0].json(), "null");
  EXPECT_TRUE(r[0][1].is_null());
  EXPECT_EQ(nlohmann::json::parse(r[1][1].json()), nlohmann::json::array());
  auto s = session();
  EXPECT_TRUE(s.get<Ticket>(1)->payload.is_null());
  EXPECT_EQ(s.get<Ticket>(2)->extra, nlohmann::json::array());
}

TEST_P(column_types_test, enums_compare_in_queries_and_in_evaluated_updates) {
  auto s = session();
  for (auto st : {Status::draft, Status::published, Status::published, Status::archived}) {
    Ticket t = sample();
    t.status = st;
    s.add(std::move(t));
  }
  s.commit();
  auto loaded = s.query<Ticket>().order_by(col<&Ticket::id>).all();
  auto& rec = record();
  EXPECT_EQ(s.query<Ticket>().where(col<&Ticket::status> == Status::published).count(), 2u);
  EXPECT_EQ(count_matching(rec, compiled_sql("SELECT count(*) FROM ticket WHERE ticket.status = ?")
                                    .params({retort::sql::enum_label{"published"}})),
            1u);
  // synchronize_session=evaluate compares labels in memory.
  auto n = s.execute(retort::update<Ticket>()
                         .where(col<&Ticket::status> == Status::published)
                         .values(retort::assign<&Ticket::status>(Status::archived))
                         .execution_options(retort::synchronize_session::evaluate));
  EXPECT_EQ(n.rowcount(), 2);
  EXPECT_EQ(loaded[1]->status, Status::archived);
  EXPECT_EQ(loaded[0]->status, Status::draft);
  s.commit();
  EXPECT_EQ(s.query<Ticket>().where(col<&Ticket::status> == Status::archived).count(), 3u);
  // By value: the enum's number in the statement.
  EXPECT_EQ(s.query<Ticket>().where(col<&Ticket::priority> == ct::Priority::high).count(), 4u);
}

TEST_P(column_types_test, an_enumerator_without_a_name_is_a_lookup_error_and_nothing_is_written) {
  auto s = session();
  Ticket t = sample();
  t.status = static_cast<Status>(42);
  s.add(std::move(t));
  try {
    s.flush();
    FAIL() << "flushed an enum value with no name";
  } catch (const retort::LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("Status(42)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Possible values: draft, published, archived"), std::string::npos)
        << e.what();
  }
  s.rollback();
  EXPECT_EQ(s.query<Ticket>().count(), 0u);
  s.add(sample());
  s.commit();  // the session is usable after the rollback
  EXPECT_EQ(s.query<Ticket>().count(), 1u);
}

TEST_P(column_types_test, a_stored_name_that_is_no_enumerator_is_a_lookup_error_on_load) {
  if (postgres()) {
    // The native ENUM refuses the name at the INSERT: DataError (22P02), nothing stored.
    seed();
    auto conn = db().engine().connect();
    EXPECT_THROW(conn.execute("UPDATE ticket SET status = 'bogus'"), retort::DataError);
    return;
  }
  seed();
  db().engine().connect().execute("UPDATE ticket SET status = 'bogus'");
  auto s = session();
  try {
    (void)s.get<Ticket>(1);
    FAIL() << "loaded a name that is no enumerator";
  } catch (const retort::LookupError& e) {
    EXPECT_EQ(std::string(e.what()),
              "loading Ticket.status: 'bogus' is not among the defined enum values. Enum name: status. Possible "
              "values: draft, "
              "published, archived");
  }
}

TEST_P(column_types_test, a_uuid_key_from_a_client_default_is_its_identity) {
  auto s = session();
  auto d = s.add(Device{.name = "phone"});
  s.flush();
  retort::uuid id = d->id;
  EXPECT_NE(id, retort::uuid{});
  EXPECT_EQ(id.bytes[6] >> 4, 4);         // version 4
  EXPECT_EQ(id.bytes[8] & 0xC0, 0x80);    // RFC 4122 variant
  EXPECT_EQ(s.get<Device>(id).get(), d.get());  // the identity map, by UUID
  s.commit();
  auto other = session();
  auto& rec = record();
  auto again = other.get<Device>(id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->name, "phone");
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_EQ(other.query<Device>().where(col<&Device::id> == id).one()->name, "phone");
  EXPECT_FALSE(other.get<Device>(retort::uuid4()));
}

TEST_P(column_types_test, aware_timestamps_compare_by_instant_in_queries) {
  auto s = session();
  Ticket a = sample();
  a.due = retort::date_time_tz::at(sys_days{2026y / January / 1} + 9h, 60min);  // 08:00 UTC
  s.add(std::move(a));
  Ticket b = sample();
  b.due = retort::date_time_tz::at(sys_days{2026y / January / 1} + 7h, -120min);  // 09:00 UTC
  s.add(std::move(b));
  s.commit();
  // 08:30 UTC spelled at +00:00: only b is later, whatever offset each was written with.
  auto cut = retort::date_time_tz{sys_days{2026y / January / 1} + 8h + 30min, 0min};
  auto later = s.query<Ticket>().where(col<&Ticket::due> > cut).all();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0]->id, 2);
  EXPECT_EQ(s.query<Ticket>().order_by(col<&Ticket::due>).first()->id, 1);
  // In memory equality is by instant, as Python's aware datetimes compare.
  EXPECT_EQ(retort::date_time_tz::at(sys_days{2026y / January / 1} + 9h, 60min),
            (retort::date_time_tz{sys_days{2026y / January / 1} + 8h, 0min}));
  EXPECT_EQ(retort::sql::format_date_time_tz(retort::date_time_tz::at(sys_days{2026y / January / 1} + 7h, -120min)),
            "2026-01-01 07:00:00.000000-02:00");
}

}  // namespace
