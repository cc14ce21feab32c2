/* Broken device plugins for the loader's error tests, one per BAD_PLUGIN_* definition:
 * WRONG_VERSION reports ABI version 999, NO_ENTRY exports no entry point, MISSING_FUNCTIONS
 * leaves every function pointer null. */
#include "dojo/device/plugin_abi.h"

#if defined(BAD_PLUGIN_NO_ENTRY)

DOJO_DEVICE_PLUGIN_EXPORT int dojo_not_a_device_plugin(void) {
  return 42;
}

#else

static const dojo_device_plugin_v1 bad_table = {
#if defined(BAD_PLUGIN_WRONG_VERSION)
    .abi_version = 999,
    .name = "wrong_version",
#elif defined(BAD_PLUGIN_MISSING_FUNCTIONS)
    .abi_version = DOJO_DEVICE_PLUGIN_ABI_VERSION,
    .name = "incomplete",
#else
#error "define one BAD_PLUGIN_* kind"
#endif
    .struct_size = sizeof(dojo_device_plugin_v1),
};

DOJO_DEVICE_PLUGIN_EXPORT const dojo_device_plugin_v1* dojo_device_plugin_v1_get(void) {
  return &bad_table;
}

#endif
