#include "apps/cli/image_options.h"

#include "imaging/image_io.h"

namespace uflow::app {

void add_image_limit_options(Args& a) {
  const DecodeLimits d;
  a.option("max-image-pixels", "n", std::to_string(d.max_pixels),
           "refuse images with more pixels (width x height) than this")
      .option("max-image-mb", "n", std::to_string(d.max_bytes >> 20),
              "refuse image files larger than this many MiB");
}

void apply_image_limit_options(const Args& a) {
  DecodeLimits d;
  d.max_pixels = a.integer("max-image-pixels", {1, int64_t{1} << 40});
  d.max_bytes = a.integer("max-image-mb", {1, int64_t{1} << 20}) << 20;
  set_default_decode_limits(d);
}

}  // namespace uflow::app
