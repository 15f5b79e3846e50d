// Scheduling help for pipelines whose serial stage must not wait for a core.
#pragma once

namespace wasteledger {

// Lowers the calling thread's scheduling priority (nice + 10, at most 19);
// the threads it starts afterwards inherit it. For the thread that prepares
// the next batch (parse, schema, signatures on every core) while another
// thread appends the current one: when every core is busy, the appending
// thread, which is the pipeline's serial stage, keeps its core and the
// preparing threads take the rest. Best effort: a failure changes nothing.
// Linux only (elsewhere a no-op).
void LowerThreadPriority();

}  // namespace wasteledger
