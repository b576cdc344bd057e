#pragma once

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_TIME           0x54494d45
#define SBI_EXT_SRST           0x53525354

struct sbi_result {
    long error;
    long value;
};

struct sbi_result sbi_call(long ext, long fid, long a0, long a1, long a2);
