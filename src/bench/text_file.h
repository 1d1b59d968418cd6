#pragma once
// Writes the bench's output files.
#include <string>

#include "base/result.h"

namespace flint::bench {

// Replaces `path` with `text`; the error names the file.
Result<void> write_text_file(const std::string& path, const std::string& text);

}  // namespace flint::bench
