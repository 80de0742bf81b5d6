// The SQL functions that report what this backend serves from:
// model_cache_bytes() and model_image().
#include "pg/entry.hpp"
#include "pg/model_cache.hpp"
#include "pg/model_image_file.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
}

namespace {

Datum return_record(FunctionCallInfo fcinfo, Datum* values, bool* nulls) {
  TupleDesc descriptor;
  if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "steam_rec: a function returning a record was called in a context that cannot take one");
  descriptor = BlessTupleDesc(descriptor);
  return HeapTupleGetDatum(heap_form_tuple(descriptor, values, nulls));
}

}  // namespace

// steam_rec.model_cache_bytes() RETURNS bigint (SQL 1.3 and 1.4): all bytes
// this backend reads for the model it serves from, shared and its own (0
// before its first recommend()).
STEAM_REC_FUNCTION(steam_rec_model_cache_bytes) {
  const steam_rec::pg::ServedModel served = steam_rec::pg::served_model();
  PG_RETURN_INT64(served.shared_bytes + served.private_bytes);
}

// steam_rec.model_cache_bytes(OUT shared_bytes, OUT private_bytes) (SQL 1.5):
// the same, split into the image shared with every backend of the server and
// what this backend holds alone.
STEAM_REC_FUNCTION(steam_rec_model_cache_bytes_split) {
  const steam_rec::pg::ServedModel served = steam_rec::pg::served_model();
  Datum values[2] = {Int64GetDatum(served.shared_bytes), Int64GetDatum(served.private_bytes)};
  bool nulls[2] = {false, false};
  return return_record(fcinfo, values, nulls);
}

// steam_rec.model_image(OUT file, OUT file_bytes, OUT builds, OUT served_from):
// the image of the model this backend serves from (NULLs before its first
// call): its file name under $PGDATA/steam_rec, its size, how many times this
// server built it, and whether this backend maps the file or holds the image
// in memory (when the file could not be written: the file it would be, and
// the builds that wrote it; or when the model was built from the rows a
// restricted caller sees: then no file and no count).
STEAM_REC_FUNCTION(steam_rec_model_image) {
  const steam_rec::pg::ServedModel served = steam_rec::pg::served_model();
  Datum values[4] = {0, 0, 0, 0};
  bool nulls[4] = {true, true, true, true};
  if (served.serving) {
    values[1] = Int64GetDatum(served.image_bytes);
    values[3] = CStringGetTextDatum(served.mapped ? "file" : "memory");
    nulls[1] = nulls[3] = false;
    // A model built from a restricted caller's rows has no file: the one
    // under its name holds the whole model.
    if (!served.restricted) {
      values[0] = CStringGetTextDatum(served.image_name);
      values[2] = Int32GetDatum(steam_rec::pg::image_builds(steam_rec::pg::ImageFiles(served.key)));
      nulls[0] = nulls[2] = false;
    }
  }
  return return_record(fcinfo, values, nulls);
}
