// --max-image-pixels and --max-image-mb: the decode limits (imaging/image_format.h) of every
// command that reads images. The defaults refuse decompression bombs; a user with genuinely
// large images raises them.
#pragma once
#include "apps/cli/args.h"

namespace uflow::app {

void add_image_limit_options(Args& a);
// Makes the parsed limits the process-wide ones used by every image load.
void apply_image_limit_options(const Args& a);

}  // namespace uflow::app
