// Kernel entry. OpenSBI jumps here in S-mode with the MMU off:
//   a0 = hart id, a1 = physical address of the flattened device tree.
// The kernel is linked at KERNEL_IMAGE_VBASE + offset but runs at the
// physical address until paging is on; everything before the jump to
// `high_entry` must be position independent.

#define PTE_KERNEL_RWX 0xcf // V R W X A D
#define PTE_KERNEL_RW  0xc7 // V R W A D
#define GIGAPAGE(pa, flags) .dword ((((pa) >> 12) << 10) | (flags))

    .section .text.boot, "ax"
    .global _start
_start:
    rdinstret t0
    lla t1, boot_instret
    sd t0, 0(t1)

    // Turn on Sv39 with the boot page table.
    lla t0, boot_page_table
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    sfence.vma
    csrw satp, t0
    sfence.vma

    ld t0, high_entry_addr
    jr t0

    .balign 8
high_entry_addr:
    .dword high_entry

high_entry:
    lla sp, boot_stack_top
    mv fp, zero
    csrw sscratch, zero
    lla t0, __bss_start
    lla t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call kernel_main
3:  wfi
    j 3b

    .section .data.boot, "aw"
    .balign 4096
// Identity-maps the gigapage the kernel is loaded in (for the instructions
// between csrw satp and the jump), maps it at KERNEL_IMAGE_VBASE, and maps
// the first 4 GiB of physical memory into the direct map (devices, the FDT).
// The kernel replaces it with a finer table in arch_init.
boot_page_table:
    .zero 2 * 8
    GIGAPAGE(0x80000000, PTE_KERNEL_RWX) // [2]: identity
    .zero (256 - 3) * 8
    GIGAPAGE(0x00000000, PTE_KERNEL_RW)  // [256..259]: direct map
    GIGAPAGE(0x40000000, PTE_KERNEL_RW)
    GIGAPAGE(0x80000000, PTE_KERNEL_RW)
    GIGAPAGE(0xc0000000, PTE_KERNEL_RW)
    .zero (510 - 260) * 8
    GIGAPAGE(0x80000000, PTE_KERNEL_RWX) // [510]: kernel image
    .zero 8

    .section .bss.boot_stack, "aw", @nobits
    .balign 16
boot_stack:
    .space 16384
    .global boot_stack_top
boot_stack_top:
