// The boot sequence: device tree, memory, the kernel's address space,
// console, then the apps; the boot thread becomes the idle thread.
#include "arch.h"
#include "page.h"
#include "platform.h"
#include "sched.h"
#include "startup.h"
#include "worker.h"
#include <string.h>

extern char __kernel_start[], __kernel_end[];

struct platform platform;

// Puts the allocator's bitmap right after the kernel image and hands every
// RAM page that nothing else uses to the page allocator.
static void memory_init(void) {
    paddr_t lowest = UINT64_MAX, highest = 0;
    for (int i = 0; i < platform.num_ram; i++) {
        lowest = MIN(lowest, ALIGN_DOWN(platform.ram[i].base, PAGE_SIZE));
        highest = MAX(highest, ALIGN_UP(platform.ram[i].base + platform.ram[i].size, PAGE_SIZE));
        arch_map_ram(platform.ram[i].base, platform.ram[i].size);
    }
    uint64_t npages = (highest - lowest) / PAGE_SIZE;
    paddr_t image_start = ptr_to_paddr(__kernel_start);
    paddr_t bitmap = ALIGN_UP(ptr_to_paddr(__kernel_end), PAGE_SIZE);
    uint64_t bitmap_size = ALIGN_UP((npages + 63) / 64 * 8, PAGE_SIZE);
    page_init(lowest, npages, paddr_to_ptr(bitmap));
    for (int i = 0; i < platform.num_ram; i++)
        page_add_free(platform.ram[i].base, platform.ram[i].size);
    page_reserve(image_start, bitmap + bitmap_size - image_start);
    for (int i = 0; i < platform.num_reserved; i++)
        page_reserve(platform.reserved[i].base, platform.reserved[i].size);
}

void kernel_main(uint64_t hart_id, paddr_t fdt_paddr) {
    arch_early_init();
    if (fdt_paddr >= (4ull << 30) || platform_parse(paddr_to_ptr(fdt_paddr), fdt_paddr, &platform))
        PANIC("cannot boot without a valid device tree");
    arch_set_timer_hz(platform.timebase_hz);
    if (platform.hypervisor)
        arch_hv_init();
    memory_init();
    arch_vm_init();
    if (platform.uart.size)
        arch_console_init(platform.uart.base, platform.uart.size);
    if (platform.plic.size)
        arch_irq_controller_init(platform.plic.base, platform.plic.size, platform.plic_context, platform.plic_ndev);
    if (platform.poweroff.size)
        arch_set_poweroff_device(platform.poweroff.base, platform.poweroff.size);

    printk("\nAster microkernel (riscv64), hart %lu\n", (unsigned long) hart_id);
    INFO("memory: %lu MiB free, timer %lu Hz, uart at %lx, plic at %lx (%u sources)",
         (unsigned long) (page_free_count() * PAGE_SIZE >> 20), (unsigned long) platform.timebase_hz,
         (unsigned long) platform.uart.base, (unsigned long) platform.plic.base, platform.plic_ndev);
    if (platform.bootargs[0])
        INFO("boot arguments: %s", platform.bootargs);
    if (platform.initrd.size)
        INFO("boot image: %lu bytes at %lx", (unsigned long) platform.initrd.size,
             (unsigned long) platform.initrd.base);
    startup_bench = strstr(platform.bootargs, "bench") != NULL;
    worker_init();
    startup_run(platform.initrd.size ? paddr_to_ptr(platform.initrd.base) : NULL, platform.initrd.size);
    sched_run_idle();
}
