/* The reference plugin's table: context, errors and memory (ordinary host memory), and the
 * exported entry point. Kernels live in reference_gemm.c and reference_kernels.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

/* Messages of create() failures, when there is no context yet. */
static _Thread_local char create_error[REF_ERROR_SIZE];

int ref_fail(dojo_device_context* ctx, int status, const char* format, ...) {
  char* buffer = ctx != NULL ? ctx->error : create_error;
  va_list args;
  va_start(args, format);
  vsnprintf(buffer, REF_ERROR_SIZE, format, args);
  va_end(args);
  return status;
}

static int ref_create(const dojo_device_create_options_v1* options, dojo_device_context** out) {
  *out = NULL;
  if (options->threads < 0) {
    return ref_fail(NULL, DOJO_DEVICE_INVALID_ARGUMENT, "threads = %d is negative",
                    (int)options->threads);
  }
  dojo_device_context* ctx = calloc(1, sizeof(dojo_device_context));
  if (ctx == NULL) return ref_fail(NULL, DOJO_DEVICE_OUT_OF_MEMORY, "no memory for a context");
  ctx->threads = options->threads;
  *out = ctx;
  return DOJO_DEVICE_OK;
}

static void ref_destroy(dojo_device_context* ctx) {
  free(ctx);
}

static const char* ref_last_error(dojo_device_context* ctx) {
  return ctx != NULL ? ctx->error : create_error;
}

static int ref_get_properties(dojo_device_context* ctx, dojo_device_properties_v1* out) {
  (void)ctx;
  out->threads = 1;
  snprintf(out->description, sizeof(out->description),
           "reference device: naive C loops on 1 host thread");
  return DOJO_DEVICE_OK;
}

static int ref_mem_alloc(dojo_device_context* ctx, size_t bytes, void** out) {
  /* aligned_alloc wants a multiple of the alignment. */
  const size_t alignment = 64;
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  *out = rounded == 0 ? NULL : aligned_alloc(alignment, rounded);
  if (rounded != 0 && *out == NULL) {
    return ref_fail(ctx, DOJO_DEVICE_OUT_OF_MEMORY, "out of memory allocating %zu bytes", bytes);
  }
  return DOJO_DEVICE_OK;
}

static void ref_mem_free(dojo_device_context* ctx, void* ptr) {
  (void)ctx;
  free(ptr);
}

static int ref_mem_copy(dojo_device_context* ctx, void* dst, const void* src, size_t bytes,
                        dojo_device_memcpy_kind kind) {
  (void)ctx;
  (void)kind; /* host memory on both sides */
  memmove(dst, src, bytes);
  return DOJO_DEVICE_OK;
}

static int ref_mem_set(dojo_device_context* ctx, void* dst, int byte_value, size_t bytes) {
  (void)ctx;
  memset(dst, byte_value, bytes);
  return DOJO_DEVICE_OK;
}

static int ref_synchronize(dojo_device_context* ctx) {
  (void)ctx; /* every call is synchronous */
  return DOJO_DEVICE_OK;
}

static const dojo_device_plugin_v1 reference_table = {
    .abi_version = DOJO_DEVICE_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(dojo_device_plugin_v1),
    .name = "reference",
    .create = ref_create,
    .destroy = ref_destroy,
    .last_error = ref_last_error,
    .get_properties = ref_get_properties,
    .mem_alloc = ref_mem_alloc,
    .mem_free = ref_mem_free,
    .mem_copy = ref_mem_copy,
    .mem_set = ref_mem_set,
    .synchronize = ref_synchronize,
    .sgemm = ref_sgemm,
    .dgemm = ref_dgemm,
    .sgemm_batched = ref_sgemm_batched,
    .dgemm_batched = NULL, /* optional: left out so dojo's fallback loop is exercised */
    .fill = ref_fill,
    .scale = ref_scale,
    .axpy = ref_axpy,
    .add = ref_add,
    .mul = ref_mul,
    .bias_add = ref_bias_add,
    .bias_backward = ref_bias_backward,
    .relu_forward = ref_relu_forward,
    .relu_backward = ref_relu_backward,
    .gelu_forward = ref_gelu_forward,
    .gelu_backward = ref_gelu_backward,
    .layernorm_forward = ref_layernorm_forward,
    .layernorm_backward = ref_layernorm_backward,
    .softmax_forward = ref_softmax_forward,
    .softmax_backward = ref_softmax_backward,
    .cross_entropy_forward = ref_cross_entropy_forward,
    .cross_entropy_backward = ref_cross_entropy_backward,
    .embedding_forward = ref_embedding_forward,
    .embedding_backward = ref_embedding_backward,
    .sum = ref_sum,
    .sum_squares = ref_sum_squares,
    .adamw_update = ref_adamw_update,
    .sgd_momentum_update = ref_sgd_momentum_update,
};

DOJO_DEVICE_PLUGIN_EXPORT const dojo_device_plugin_v1* dojo_device_plugin_v1_get(void) {
  return &reference_table;
}
