#include "generate/options.h"

#include <fmt/format.h>

#include <cmath>

namespace streampro::generate {

Status GeneratorOptions::Validate() const {
  if (out_dir.empty()) return Status::InvalidArgument("--out: an output folder is required");
  if (users && (*users < 1 || *users > 100'000'000)) {
    return Status::InvalidArgument(fmt::format("--users must be in 1..100000000, got {}", *users));
  }
  if (videos < 4 || videos > 1'000'000) {
    return Status::InvalidArgument(
        fmt::format("--videos must be in 4..1000000 (at least one per genre), got {}", videos));
  }
  if (devices < 2 || devices > 10'000) {
    return Status::InvalidArgument(fmt::format("--devices must be in 2..10000, got {}", devices));
  }
  if (days < 1 || days > 366) {
    return Status::InvalidArgument(fmt::format("--days must be in 1..366, got {}", days));
  }
  if (events && (*events < 1 || *events > 2'000'000'000)) {
    return Status::InvalidArgument(
        fmt::format("--events must be in 1..2000000000, got {}", *events));
  }
  if (!(dirty_rate >= 0.0 && dirty_rate <= 0.5)) {
    return Status::InvalidArgument(
        fmt::format("--dirty-rate must be in 0..0.5, got {}", dirty_rate));
  }
  if (threads < 0 || threads > 256) {
    return Status::InvalidArgument(fmt::format("--threads must be in 0..256, got {}", threads));
  }
  return Status::OK();
}

Result<GeneratorPlan> MakePlan(const GeneratorOptions& options) {
  RETURN_NOT_OK(options.Validate());
  GeneratorPlan plan;
  plan.dirty_ppm = static_cast<uint32_t>(std::llround(options.dirty_rate * 1e6));
  plan.sessions_per_user = 10;
  if (!options.events) {
    plan.users = options.users.value_or(100);
    return plan;
  }
  const int64_t target = *options.events;
  if (!options.users) {
    // Active users are 24 of every 25; each yields about kEventsPerUserAtTenSessions events.
    const int64_t per_user = kEventsPerUserAtTenSessions * 24 / 25;
    plan.users = std::max<int64_t>(1, (target + per_user / 2) / per_user);
    return plan;
  }
  plan.users = *options.users;
  const int64_t active = std::max<int64_t>(1, plan.users * 24 / 25);
  const int64_t per_user = (target + active - 1) / active;
  plan.sessions_per_user = std::max<int64_t>(
      1, (per_user * 10 + kEventsPerUserAtTenSessions / 2) / kEventsPerUserAtTenSessions);
  // A session needs about 20 minutes of the window on average (activity plus a gap).
  const int64_t capacity = static_cast<int64_t>(options.days) * 24 * 3;
  if (plan.sessions_per_user > capacity) {
    return Status::InvalidArgument(fmt::format(
        "--events {} with --users {} needs about {} sessions per user, more than {} days "
        "can hold ({}); raise --users or --days",
        target, plan.users, plan.sessions_per_user, options.days, capacity));
  }
  return plan;
}

}  // namespace streampro::generate
