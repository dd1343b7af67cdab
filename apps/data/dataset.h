// Image collections on disk: the MVTec AD layout and plain folders.
//   <root>/train/good/*.png
//   <root>/test/<type>/*.png            ("good" holds the normal test images)
//   <root>/ground_truth/<type>/<stem>_mask.png   (optional: per defect type, all or none)
// A test set without ground_truth/ has image labels only: image metrics, no pixel metrics.
// A labels CSV (labels_file.h) describes test sets of other layouts.
#pragma once
#include <string>
#include <vector>

namespace uflow::app {

struct Sample {
  std::string image;   // path
  std::string mask;    // path; empty for normal images (an all-zero mask) and for unknown masks
  std::string defect;  // the test sub-folder ("good", "scratch", ...); empty for plain folders
  std::string name;    // "<defect>/<stem>" or "<stem>": unique, used for output files
  bool anomalous = false;
};

struct Category {
  std::string root;
  std::string name;  // the root folder's name
  std::vector<Sample> train, test;
  // Every anomalous test image has a mask: pixel metrics are defined. False for test sets
  // with image labels only.
  bool pixel_labels = true;
};

// Which parts of a category to read: `train` never looks at test/ or ground_truth/.
enum class ScanPart { train, all };

bool is_image_file(const std::string& path);
// A category folder's name: "bottle" for data/bottle and for data/bottle/.
std::string category_name(const std::string& folder);
// Sorted list of the image files directly inside dir; throws naming dir when it is missing.
std::vector<std::string> list_images(const std::string& dir);
// Scans an MVTec-style category. Throws one line naming the folder or file that is missing
// (e.g. a defect image without its mask when its type has a mask folder), or the defect types
// without masks when others have them.
Category scan_mvtec(const std::string& root, ScanPart part = ScanPart::all);
// Every image directly inside dir as an unlabelled sample.
std::vector<Sample> scan_folder(const std::string& dir);
// Every image named: files as they are, folders by their images (sorted), an MVTec category
// by its test set. Output names stay unique: a clash gets the path's parent folder prepended.
std::vector<Sample> scan_inputs(const std::vector<std::string>& inputs);
// The same name twice (the same stem from two folders) would make outputs overwrite each
// other: later ones get their parent folders prepended until they differ.
void make_names_unique(std::vector<Sample>& samples);
// True when every anomalous sample has a mask.
bool has_pixel_labels(const std::vector<Sample>& samples);

}  // namespace uflow::app
