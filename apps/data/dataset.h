// Image collections on disk: the MVTec AD layout and plain folders.
//   <root>/train/good/*.png
//   <root>/test/<type>/*.png            ("good" holds the normal test images)
//   <root>/ground_truth/<type>/<stem>_mask.png   (for every non-good test image)
#pragma once
#include <string>
#include <vector>

namespace uflow::app {

struct Sample {
  std::string image;   // path
  std::string mask;    // path, empty for normal images (an all-zero mask)
  std::string defect;  // the test sub-folder ("good", "scratch", ...); empty for plain folders
  std::string name;    // "<defect>/<stem>" or "<stem>": unique, used for output files
  bool anomalous = false;
};

struct Category {
  std::string root;
  std::string name;  // the root folder's name
  std::vector<Sample> train, test;
};

bool is_image_file(const std::string& path);
// Sorted list of the image files directly inside dir; throws naming dir when it is missing.
std::vector<std::string> list_images(const std::string& dir);
// Scans an MVTec-style category. Throws one line naming the folder or file that is missing
// (e.g. a defect image without its mask).
Category scan_mvtec(const std::string& root);
// Every image directly inside dir as an unlabelled sample.
std::vector<Sample> scan_folder(const std::string& dir);

}  // namespace uflow::app
