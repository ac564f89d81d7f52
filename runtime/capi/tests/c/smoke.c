/* A C host of weft: loads the test component (argv[1]), gives it its host
 * functions, and calls add, reverse (a string both ways), boom (a trap)
 * and greet (through a host callback); invalid UTF-8 input is refused.
 * Then the one-crossing paths: add and quadruple (whose host callback
 * takes and pushes flat slots) through weft_func_call_flat, reverse
 * through weft_lower_alloc and weft_call_invoke_flat. Last, the component
 * serialised and loaded by a second engine without compiling, called,
 * and a damaged artifact refused. Prints one line per step; exits 1 on
 * any unexpected error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

static void check(weft_error_t *err, const char *what) {
  if (err != NULL) {
    fprintf(stderr, "%s: %s\n%s", what, weft_error_message(err), weft_error_backtrace(err));
    weft_error_delete(err);
    exit(1);
  }
}

#define TRY(call)                                                                              \
  do {                                                                                         \
    weft_error_t *err_ = (call);                                                               \
    if (err_ != NULL) return err_;                                                             \
  } while (0)

/* host-decorate(s) -> string: "[s]". */
static weft_error_t *decorate(void *env, weft_host_call_t *call) {
  (void)env;
  weft_lift_t *args = weft_host_call_args(call);
  int32_t ptr, len;
  TRY(weft_lift_take_i32(args, &ptr));
  TRY(weft_lift_take_i32(args, &len));
  const char *text;
  size_t text_len;
  TRY(weft_lift_read_string(args, (uint32_t)ptr, (uint32_t)len, &text, &text_len));
  char buffer[256];
  int n = snprintf(buffer, sizeof buffer, "[%.*s]", (int)text_len, text);
  weft_lower_t *results = weft_host_call_results(call);
  uint32_t out_ptr, out_len, area;
  TRY(weft_lower_store_string(results, (const uint8_t *)buffer, (size_t)n, &out_ptr, &out_len));
  TRY(weft_lower_area(results, &area));
  TRY(weft_lower_write_i32(results, area, (int32_t)out_ptr));
  TRY(weft_lower_write_i32(results, area + 4, (int32_t)out_len));
  return NULL;
}

/* host-double(x) -> u32, with flat slots. */
static weft_error_t *twice(void *env, weft_host_call_t *call) {
  (void)env;
  uint64_t x;
  TRY(weft_lift_take_flat(weft_host_call_args(call), &x, 1));
  uint64_t doubled = (uint32_t)(x * 2);
  return weft_lower_push_flat(weft_host_call_results(call), &doubled, 1);
}

static weft_func_t *func(weft_store_t *store, weft_instance_t *instance, const char *name) {
  weft_func_t *f = NULL;
  check(weft_instance_get_func(store, instance, (const uint8_t *)name, strlen(name), &f), name);
  return f;
}

/* Calls a string -> string function with `text`; prints the result. */
static void string_call(weft_store_t *store, weft_instance_t *instance, const char *name,
                        const char *text) {
  weft_func_t *f = func(store, instance, name);
  weft_call_t *call = NULL;
  check(weft_call_begin(store, f, &call), "begin");
  weft_lower_t *args = weft_call_args(call);
  uint32_t ptr, len;
  check(weft_lower_store_string(args, (const uint8_t *)text, strlen(text), &ptr, &len),
        "store_string");
  check(weft_lower_push_i32(args, (int32_t)ptr), "push");
  check(weft_lower_push_i32(args, (int32_t)len), "push");
  check(weft_call_invoke(call), "invoke");
  weft_lift_t *results = weft_call_results(call);
  uint32_t area;
  int32_t result_ptr, result_len;
  check(weft_lift_area(results, &area), "area");
  check(weft_lift_read_i32(results, area, &result_ptr), "read");
  check(weft_lift_read_i32(results, area + 4, &result_len), "read");
  const char *data;
  size_t data_len;
  check(weft_lift_read_string(results, (uint32_t)result_ptr, (uint32_t)result_len, &data,
                              &data_len),
        "read_string");
  /* Valid until the call ends: print (copy) it first. */
  printf("%s(\"%s\") = \"%.*s\"\n", name, text, (int)data_len, data);
  check(weft_call_finish(call), "finish");
  weft_func_delete(f);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: smoke COMPONENT.wasm\n");
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (file == NULL) {
    perror(argv[1]);
    return 1;
  }
  static uint8_t bytes[1 << 20];
  size_t size = fread(bytes, 1, sizeof bytes, file);
  fclose(file);

  weft_engine_t *engine = NULL;
  check(weft_engine_new(&engine), "engine");
  weft_component_t *component = NULL;
  check(weft_component_new(engine, bytes, size, &component), "component");
  weft_linker_t *linker = NULL;
  check(weft_linker_new(engine, &linker), "linker");
  check(weft_linker_define_func(linker, NULL, 0, (const uint8_t *)"host-decorate", 13, decorate,
                                NULL, NULL),
        "define host-decorate");
  check(weft_linker_define_func(linker, NULL, 0, (const uint8_t *)"host-double", 11, twice, NULL,
                                NULL),
        "define host-double");
  weft_store_t *store = NULL;
  check(weft_store_new(engine, &store), "store");
  weft_instance_t *instance = NULL;
  check(weft_linker_instantiate(linker, store, component, &instance), "instantiate");

  /* add(2, 40) */
  weft_func_t *add = func(store, instance, "add");
  if (weft_func_param_count(add) != 2 || weft_func_param_kind(add, 0) != WEFT_I32 ||
      weft_func_result_count(add) != 1 || weft_func_result_in_memory(add)) {
    fprintf(stderr, "add: unexpected core signature\n");
    return 1;
  }
  weft_call_t *call = NULL;
  check(weft_call_begin(store, add, &call), "begin");
  check(weft_lower_push_i32(weft_call_args(call), 2), "push");
  check(weft_lower_push_i32(weft_call_args(call), 40), "push");
  check(weft_call_invoke(call), "invoke");
  int32_t sum;
  check(weft_lift_take_i32(weft_call_results(call), &sum), "take");
  check(weft_call_finish(call), "finish");
  printf("add(2, 40) = %d\n", sum);

  string_call(store, instance, "reverse", "hello, weft");

  /* boom(): a trap. */
  weft_func_t *boom = func(store, instance, "boom");
  check(weft_call_begin(store, boom, &call), "begin");
  weft_error_t *err = weft_call_invoke(call);
  if (err == NULL || weft_error_kind(err) != WEFT_ERROR_TRAP) {
    fprintf(stderr, "boom: expected a trap\n");
    return 1;
  }
  printf("boom: trap kind %u (%s): %s\n", (unsigned)weft_error_trap_kind(err),
         weft_error_trap_kind(err) == WEFT_TRAP_UNREACHABLE ? "WEFT_TRAP_UNREACHABLE" : "?",
         weft_error_message(err));
  weft_error_delete(err);
  check(weft_call_discard(call), "discard");

  /* Invalid UTF-8 input is refused before anything is allocated. */
  weft_func_t *reverse = func(store, instance, "reverse");
  check(weft_call_begin(store, reverse, &call), "begin");
  uint32_t ptr, len;
  err = weft_lower_store_string(weft_call_args(call), (const uint8_t *)"\xff\xfe", 2, &ptr, &len);
  if (err == NULL) {
    fprintf(stderr, "invalid input: expected an error\n");
    return 1;
  }
  printf("invalid input: kind %u (%s)\n", (unsigned)weft_error_kind(err),
         weft_error_kind(err) == WEFT_ERROR_INVALID_ARGUMENT ? "WEFT_ERROR_INVALID_ARGUMENT"
                                                             : "?");
  weft_error_delete(err);
  check(weft_call_discard(call), "discard");

  string_call(store, instance, "greet", "c");

  /* A whole call of flat values in one crossing. */
  uint64_t flat_args[2] = {20, 22}, flat_result = 0;
  check(weft_func_call_flat(store, add, flat_args, 2, &flat_result, 1), "call_flat add");
  printf("call_flat add(20, 22) = %llu\n", (unsigned long long)flat_result);
  weft_func_t *quadruple = func(store, instance, "quadruple");
  flat_args[0] = 5;
  check(weft_func_call_flat(store, quadruple, flat_args, 1, &flat_result, 1),
        "call_flat quadruple");
  printf("call_flat quadruple(5) = %llu\n", (unsigned long long)flat_result);
  weft_func_delete(quadruple);

  /* A string written through the memory weft_lower_alloc gives, the
   * result read through the memory weft_call_invoke_flat gives. */
  check(weft_call_begin(store, reverse, &call), "begin");
  uint32_t at;
  uint8_t *mem;
  size_t mem_len;
  check(weft_lower_alloc(weft_call_args(call), 4, 1, &at, &mem, &mem_len), "alloc");
  if ((size_t)at + 4 > mem_len) {
    fprintf(stderr, "alloc: block outside memory\n");
    return 1;
  }
  memcpy(mem + at, "flat", 4);
  uint64_t string_args[2] = {at, 4};
  const uint8_t *out_mem;
  size_t out_len;
  check(weft_call_invoke_flat(call, string_args, 2, &flat_result, 1, &out_mem, &out_len),
        "invoke_flat");
  uint32_t result_ptr, result_len;
  memcpy(&result_ptr, out_mem + flat_result, 4);
  memcpy(&result_len, out_mem + flat_result + 4, 4);
  if ((size_t)result_ptr + result_len > out_len) {
    fprintf(stderr, "invoke_flat: result outside memory\n");
    return 1;
  }
  printf("invoke_flat reverse(\"flat\") = \"%.*s\"\n", (int)result_len,
         (const char *)out_mem + result_ptr);
  check(weft_call_finish(call), "finish");

  /* A precompiled artifact: serialised, loaded by a second engine (made
   * with settings) without compiling, instantiated and called; a damaged
   * copy refused. */
  uint8_t *artifact = NULL;
  size_t artifact_len = 0;
  check(weft_component_serialize(component, &artifact, &artifact_len), "serialize");
  printf("artifact: %s, wasm: %s\n", weft_is_artifact(artifact, artifact_len) ? "yes" : "no",
         weft_is_artifact(bytes, size) ? "yes" : "no");
  weft_config_t *config = NULL;
  check(weft_config_new(&config), "config");
  check(weft_config_set_cache_dir(config, NULL, 0), "no cache");
  weft_engine_t *engine2 = NULL;
  check(weft_engine_new_with_config(config, &engine2), "engine with config");
  weft_config_delete(config);
  weft_component_t *loaded = NULL;
  check(weft_component_deserialize(engine2, artifact, artifact_len, &loaded), "deserialize");
  weft_linker_t *linker2 = NULL;
  check(weft_linker_new(engine2, &linker2), "linker");
  check(weft_linker_define_func(linker2, NULL, 0, (const uint8_t *)"host-decorate", 13, decorate,
                                NULL, NULL),
        "define host-decorate");
  check(weft_linker_define_func(linker2, NULL, 0, (const uint8_t *)"host-double", 11, twice,
                                NULL, NULL),
        "define host-double");
  weft_store_t *store2 = NULL;
  check(weft_store_new(engine2, &store2), "store");
  weft_instance_t *instance2 = NULL;
  check(weft_linker_instantiate(linker2, store2, loaded, &instance2), "instantiate loaded");
  string_call(store2, instance2, "reverse", "precompiled");
  artifact[artifact_len / 2] ^= 1;
  weft_component_t *damaged = NULL;
  err = weft_component_deserialize(engine2, artifact, artifact_len, &damaged);
  if (err == NULL || damaged != NULL) {
    fprintf(stderr, "damaged artifact: expected an error\n");
    return 1;
  }
  printf("damaged artifact: kind %u (%s)\n", (unsigned)weft_error_kind(err),
         weft_error_kind(err) == WEFT_ERROR_ARTIFACT ? "WEFT_ERROR_ARTIFACT" : "?");
  weft_error_delete(err);
  weft_bytes_free(artifact, artifact_len);
  weft_instance_delete(instance2);
  weft_store_delete(store2);
  weft_linker_delete(linker2);
  weft_component_delete(loaded);
  weft_engine_delete(engine2);

  weft_func_delete(reverse);
  weft_func_delete(boom);
  weft_func_delete(add);
  weft_instance_delete(instance);
  weft_store_delete(store);
  weft_linker_delete(linker);
  weft_component_delete(component);
  weft_engine_delete(engine);
  printf("done\n");
  return 0;
}
