// A training whose model can be stored while it is computed.
//
// Storing a model is serial (only the backend's thread may write tables), and
// for an algorithm whose last step is one game x game matrix (the registry's
// staged_rows: itemknn's neighbours, for one) it costs about as much as the
// parallel rows on real data.  So for them the model is handed over in two
// stages: first every part but those rows (begin()), then the rows, each as
// soon as it and every row before it are final (rows_ready(), rows()), while
// the core's threads fill the rest.  The caller lends its thread to the job
// (run_one()) whenever it has nothing to store.  The rows, and so the stored
// model, are the same as train()'s, for any thread count.
#pragma once

#include <memory>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/row_parts.hpp"
#include "core/staged_rows.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

class StagedTraining {
 public:
  // Whether these parameters train in stages (their algorithm has staged_rows).
  static bool applies(const TrainParams& params) noexcept;

  // Trains every part but the rows and starts those on the core's threads;
  // `data` must stay until finish() returns.
  void begin(const TrainingSet& data, const TrainParams& params);
  // The model; its rows are put in by finish().
  GameModel& model() noexcept { return model_; }
  // Whether the rows are the model's content neighbours rather than its neighbours.
  bool rows_are_content_neighbors() const noexcept { return content_neighbors_; }
  std::int32_t rows_ready() noexcept { return rows_.rows_ready(); }
  // Rows [first, last) (see GameRowsInBackground::rows()).
  SparseRows rows(std::int32_t first, std::int32_t last) const { return rows_.rows(first, last); }
  bool run_one(CancelCheck& cancel) { return rows_.run_one(cancel); }
  // Fills the rows left, waits for the threads, and puts every row in the model.
  void finish(CancelCheck& cancel);

 private:
  GameModel model_;
  std::unique_ptr<StagedRows> inputs_;
  bool content_neighbors_ = false;
  GameRowsInBackground rows_;  // last: its threads stop before the inputs they read go
};

}  // namespace steam_rec::rec
