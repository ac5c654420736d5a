// Must not compile: join_where names a column of a class other than the relationship's target.
#include <optional>

#include "retort/retort.hpp"

struct Note;
struct Pad {
  int id = 0;
  bool archived = false;
  retort::many<Note> notes{};
};
struct Note {
  int id = 0;
  std::optional<int> pad_id{};
};
template <>
inline constexpr auto retort::mapping<Pad> =
    retort::model(retort::column<&Pad::id>(retort::primary_key), retort::column<&Pad::archived>(),
                  retort::relationship<&Pad::notes>(retort::join_where<&Pad::archived>(false)));
template <>
inline constexpr auto retort::mapping<Note> = retort::model(
    retort::column<&Note::id>(retort::primary_key), retort::column<&Note::pad_id>(retort::foreign_key<&Pad::id>));

int main() { (void)retort::orm::mapper_for<Pad>(); }
