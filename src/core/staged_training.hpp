// A training whose model can be stored while it is computed.
//
// Storing a model is serial (only the backend's thread may write tables), and
// for itemknn on real data it costs about as much as the parallel similarity
// rows.  So for itemknn the model is handed over in two stages: first every
// part but the neighbour rows (begin()), then the rows, each as soon as it and
// every row before it are final (rows_ready(), rows()), while the core's
// threads fill the rest.  The caller lends its thread to the job (run_one())
// whenever it has nothing to store.  The rows, and so the stored model, are
// the same as train()'s, for any thread count.
#pragma once

#include <memory>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/itemknn_rows.hpp"
#include "core/row_parts.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

class StagedTraining {
 public:
  // Whether these parameters train in stages (itemknn, whose neighbour rows
  // are its last step).
  static bool applies(const TrainParams& params) noexcept;

  // Trains every part but the neighbour rows and starts those on the core's
  // threads; `data` may go once this returns.
  void begin(const TrainingSet& data, const TrainParams& params);
  // The model; its neighbours are filled by finish().
  GameModel& model() noexcept { return model_; }
  std::int32_t rows_ready() noexcept { return rows_.rows_ready(); }
  // Neighbour rows [first, last) (see GameRowsInBackground::rows()).
  SparseRows rows(std::int32_t first, std::int32_t last) const { return rows_.rows(first, last); }
  bool run_one(CancelCheck& cancel) { return rows_.run_one(cancel); }
  // Fills the rows left, waits for the threads, and puts every row in the model.
  void finish(CancelCheck& cancel);

 private:
  GameModel model_;
  std::unique_ptr<ItemknnRows> inputs_;
  GameRowsInBackground rows_;  // last: its threads stop before the inputs they read go
};

}  // namespace steam_rec::rec
