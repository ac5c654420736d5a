// Tutorial 2: one-to-one. A Person has at most one Passport.
//
// SQLAlchemy writes it as a one-to-many with uselist=False:
//
//   class Person(Base):
//       passport = relationship("Passport", uselist=False, back_populates="holder")
//   class Passport(Base):
//       person_id = Column(ForeignKey("person.id"), unique=True)
//       holder = relationship("Person", back_populates="passport")
//
// In Retort the member types say it: retort::one<T> on both sides. The side
// whose table holds the foreign key (Passport) is the many-to-one; the other
// side (Person::passport) is the scalar one-to-one.
#include <retort/retort.hpp>

#include <iostream>
#include <optional>
#include <string>

struct Passport;

struct Person {
  int id = 0;
  std::string name;
  retort::one<Passport> passport{};
};

struct Passport {
  int id = 0;
  std::string number;
  // std::optional: a nullable column. A passport may belong to nobody (once replaced).
  std::optional<int> person_id{};
  retort::one<Person> holder{};
};

template <>
inline constexpr auto retort::mapping<Person> = retort::model(
    retort::column<&Person::id>(retort::primary_key),
    retort::column<&Person::name>(retort::String(40)),
    // Both sides name each other with back_populates, so setting one sets the other.
    retort::relationship<&Person::passport>(retort::back_populates<&Passport::holder>));

template <>
inline constexpr auto retort::mapping<Passport> = retort::model(
    retort::column<&Passport::id>(retort::primary_key),
    retort::column<&Passport::number>(retort::String(20)),
    // unique: the database refuses two passports for one person.
    retort::column<&Passport::person_id>(retort::foreign_key<&Person::id>, retort::unique),
    retort::relationship<&Passport::holder>(retort::back_populates<&Person::passport>));

// "<number> (held by <name>)" or "<number> (held by nobody)".
std::string describe(Passport& p) {
  return p.number + " (held by " + (p.holder ? p.holder->name : std::string("nobody")) + ")";
}

int main() {
  try {
    retort::database db("sqlite://");
    db.create_all();

    {
      auto session = db.session();
      auto ada = session.add(Person{.name = "Ada"});
      // Assigning a one<T> takes a handle; retort::make creates one outside any
      // session. The save-update cascade brings it into ada's session.
      ada->passport = retort::make(Passport{.number = "P-1001"});
      std::cout << "in memory: " << describe(*ada->passport) << '\n';
      session.add(Person{.name = "Grace"});
      session.commit();  // INSERT person x2, INSERT passport (person_id = Ada's id)
    }

    auto session = db.session();
    auto ada = session.query<Person>().filter_by<&Person::name>("Ada").one();
    // Loading the scalar side: SELECT passport WHERE passport.person_id = ?
    std::cout << "loaded: Ada holds " << ada->passport->number << '\n';

    // Replacing the passport: the old one is loaded already, so the flush runs
    // UPDATE passport SET person_id = NULL (the old one), then INSERT the new.
    auto old = ada->passport.get();
    ada->passport = retort::make(Passport{.number = "P-2002"});
    session.commit();
    std::cout << "replaced: Ada holds " << ada->passport->number << "; the old one is " << describe(*old) << '\n';

    // Moving a passport to another person takes it from its holder.
    auto grace = session.query<Person>().filter_by<&Person::name>("Grace").one();
    grace->passport = ada->passport.get();
    session.commit();
    std::cout << "moved: Grace holds " << grace->passport->number << ", Ada holds "
              << (ada->passport ? ada->passport->number : std::string("nothing")) << '\n';

    // What the database has now, in key order.
    for (auto& p : session.query<Passport>().order_by(retort::col<&Passport::id>).all())
      std::cout << "  passport " << p->id << ": " << describe(*p) << '\n';
  } catch (const retort::Error& e) {
    std::cerr << "02_one_to_one: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
