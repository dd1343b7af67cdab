
TEST_CASE("wide_resnet50_2 with a random backbone trains and reloads at 32 px") {
  // Features 256×8×8, 512×4×4 and 1024×2×2: the bottleneck backbone end to end, small.
  app::ModelSpec spec = resnet_spec();
  spec.extractor = app::ExtractorKind::wide_resnet50_2;
  spec.input_size = 32;
  const std::string out = scratch().file("train_wide");
  app::TrainRequest r;
  r.data = category().string();
  r.out = out;
  r.spec = spec;
  r.train.epochs = 1;
  r.train.batch = 4;
  r.checkpoint_every = 1;
  const app::TrainSummary sum = app::run_training(r);
  CHECK(std::isfinite(sum.final_loss));
  const app::LoadedModel m = app::load_model(sum.checkpoint, "", Device::cpu);
  CHECK(m.info.spec.extractor == app::ExtractorKind::wide_resnet50_2);
  CHECK(m.extractor->feature_shapes() ==
        std::vector<Shape>{{256, 8, 8}, {512, 4, 4}, {1024, 2, 2}});
  CHECK(m.flow->parameter("feature_norms.2.weight").shape() == Shape{1024, 2, 2});
  CHECK_FALSE(all_equal(m.flow->parameter("feature_norms.2.bias"), 0.0));
  app::PredictOptions po;
  po.nfa.size = 32;
  const auto preds =
      app::predict_images(*m.extractor, *m.flow, app::scan_mvtec(category().string()).test, po);
  REQUIRE_FALSE(preds.empty());
  for (const auto& p : preds) CHECK(std::isfinite(p.score));
}
