// EnrichBucket: one bucket of users' events -> user_sessions, user_journey, partials.

#include "enrich/enrich.h"

#include <vector>

#include "enrich/journey.h"
#include "enrich/partials.h"
#include "enrich/sessions.h"

namespace streampro::enrich {

BucketOutput::BucketOutput()
    : user_sessions(UserSessionsSchema()), user_journey(UserJourneySchema()) {}

Result<BucketOutput> EnrichBucket(const RecordBatch& events, const RecordBatch& users,
                                  const VideoGenres& genres) {
  ASSIGN_OR_RETURN(const std::vector<internal::Session> sessions,
                   internal::BuildSessions(events, genres));
  BucketOutput output;
  internal::AppendUserSessions(sessions, events, &output.user_sessions);
  RETURN_NOT_OK(
      internal::AppendUserJourneys(sessions, users, &output.user_journey, &output.partials));
  internal::AddSessionSegments(sessions, events, &output.partials);
  return output;
}

}  // namespace streampro::enrich
