// Validators (retort::validates) run by the relationship slots and the flush;
// the public entry for columns is retort/orm/validation.hpp.
#pragma once

#include "retort/orm/mapper.hpp"

namespace retort::orm {

/// A scalar relationship of `owner` about to refer to `target` instead of
/// `old` (either may be null): this side's validator, and the other side's
/// (the reverse collection gaining `owner` on `target` and losing it on `old`,
/// or the reverse scalar set on both), before anything changes.
void validate_scalar_change(const relationship_property& rel, instance_state* owner, instance_state* target,
                            instance_state* old);
/// `item` joining (`removing` false) or leaving a collection of `owner`: this
/// side's validator and the reverse's, before anything changes.
void validate_collection_change(const relationship_property& rel, instance_state* owner, instance_state* item,
                                bool removing);
/// Before an INSERT (`insert`) or UPDATE of `s`'s row: the validator of every
/// column the INSERT writes (those a default fills left out) or the UPDATE
/// changed; a normalised value replaces the member's.
void validate_row(const mapper& m, instance_state* s, bool insert);

}  // namespace retort::orm
