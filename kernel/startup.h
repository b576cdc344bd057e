// Starting the apps linked into the image. For now a short built-in wiring
// language in the boot arguments (replaced by the boot manifest later):
//   apps=echo,echo_client chan=echo_client.echo:echo.client
// starts the named apps and gives each end of a new channel to one app, as
// the environment channel named after the dot.
#pragma once

struct env;

// An app linked into the kernel image (see tools/gen_apps.py).
struct app_image {
    const char *name;
    void (*main)(struct env *env);
};

void startup_run(const char *bootargs);
