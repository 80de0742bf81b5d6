// Core objects whose life is tied to a PostgreSQL memory context.
//
// A core object that must live across server calls (a model being built while
// the glue scans a table) cannot sit on the stack: an error would longjmp over
// its destructor.  new_in_context<T>() puts it on the C++ heap and registers a
// reset callback that deletes it when the memory context goes away, whether
// the call finished normally or was aborted by an error.
#pragma once

#include <new>

#include "pg/postgres.hpp"

namespace steam_rec::pg {

template <typename T>
void delete_core_object(void* object) noexcept {
  delete static_cast<T*>(object);
}

template <typename T>
T* new_in_context(MemoryContext context) {
  // The callback record first: if this allocation fails, nothing leaks.
  auto* callback = static_cast<MemoryContextCallback*>(MemoryContextAlloc(context, sizeof(MemoryContextCallback)));
  T* object = nullptr;
  try {
    object = new T();
  } catch (...) {
    object = nullptr;
  }
  if (object == nullptr) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in steam_rec")));
  callback->func = delete_core_object<T>;
  callback->arg = object;
  MemoryContextRegisterResetCallback(context, callback);
  return object;
}

}  // namespace steam_rec::pg
