#include "router/cpu_scheduling.h"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace coexist::router {

Status apply_cpu_scheduling(std::string_view policy) {
  int linux_policy = 0;
  if (policy == "batch") {
    linux_policy = SCHED_BATCH;
  } else if (policy == "normal") {
    linux_policy = SCHED_OTHER;
  } else {
    return Status::error(Status::Code::invalid_argument,
                         "unknown scheduling policy \"" + std::string(policy) + "\"");
  }
  sched_param parameters{};  // priority 0: the only one these policies take
  // On Linux, pid 0 names the calling thread, not the whole process.
  if (sched_setscheduler(0, linux_policy, &parameters) != 0) {
    return Status::error(Status::Code::unavailable,
                         "cannot set scheduling policy " + std::string(policy) + ": " +
                             std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace coexist::router
