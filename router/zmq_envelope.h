#pragma once

// The reply envelope of a request read from a ZeroMQ ROUTER socket, by ZeroMQ's own convention:
// the routing id, then every frame up to and including the first empty one. A REQ peer adds the
// empty delimiter; frames before it come from a proxy in between (one routing id per hop) or
// from REQ's ZMQ_REQ_CORRELATE request id, and must all go back for the reply to find its way.
// A DEALER that sends its payload alone has no delimiter: its envelope is the routing id.
//
// The delimiter counts only when a frame follows it, so [id][empty] stays a DEALER's empty
// request, answered in one frame. A DEALER behind a proxy must send the delimiter itself (as
// REQ does): without it, its own routing id cannot be told apart from a payload frame.

#include <cstddef>
#include <vector>
#include <zmq.hpp>

namespace coexist::router {

// How many leading `frames` form the envelope (at least 1, the routing id).
[[nodiscard]] inline std::size_t envelope_frames(const std::vector<zmq::message_t>& frames) {
  for (std::size_t i = 1; i + 1 < frames.size(); ++i) {
    if (frames[i].size() == 0) return i + 1;
  }
  return 1;
}

}  // namespace coexist::router
