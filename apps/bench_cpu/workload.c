#include "workload.h"

#define LIST_NODES 96
#define MATRIX_N 12
#define TEXT_LEN 240
#define SORT_LEN 64

static uint16_t crc16_byte(uint16_t crc, uint8_t byte) {
    crc ^= byte;
    for (int i = 0; i < 8; i++)
        crc = (uint16_t) (crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1);
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t value) {
    for (int i = 0; i < 4; i++)
        crc = crc16_byte(crc, (uint8_t) (value >> (8 * i)));
    return crc;
}

// A small linear congruential generator: every part's input follows from the seed.
static uint32_t next_random(uint32_t *state) {
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

// --- integer: a state machine that classifies tokens as integers,
// decimals, numbers with exponents, or words.

enum token_state { START, SIGN, INTEGER, POINT, FRACTION, EXPONENT, EXP_SIGN, EXP_DIGITS, WORD, COUNT };

static enum token_state step(enum token_state s, char c) {
    int digit = c >= '0' && c <= '9';
    switch (s) {
    case START: return digit ? INTEGER : (c == '-' || c == '+') ? SIGN : c == '.' ? POINT : WORD;
    case SIGN: return digit ? INTEGER : c == '.' ? POINT : WORD;
    case INTEGER: return digit ? INTEGER : c == '.' ? POINT : (c == 'e' || c == 'E') ? EXPONENT : WORD;
    case POINT: return digit ? FRACTION : WORD;
    case FRACTION: return digit ? FRACTION : (c == 'e' || c == 'E') ? EXPONENT : WORD;
    case EXPONENT: return digit ? EXP_DIGITS : (c == '-' || c == '+') ? EXP_SIGN : WORD;
    case EXP_SIGN: return digit ? EXP_DIGITS : WORD;
    case EXP_DIGITS: return digit ? EXP_DIGITS : WORD;
    default: return WORD;
    }
}

static uint32_t scan_text(uint32_t *rng) {
    static const char alphabet[] = "0123456789+-.eEx,";
    char text[TEXT_LEN];
    for (int i = 0; i < TEXT_LEN; i++)
        text[i] = alphabet[next_random(rng) % (sizeof(alphabet) - 1)];
    uint32_t counts[COUNT] = {0}, transitions = 0;
    enum token_state s = START;
    for (int i = 0; i < TEXT_LEN; i++) {
        if (text[i] == ',') {
            counts[s]++;
            s = START;
            continue;
        }
        enum token_state t = step(s, text[i]);
        transitions += t != s;
        s = t;
    }
    counts[s]++;
    uint32_t sum = transitions;
    for (int i = 0; i < COUNT; i++)
        sum = sum * 31 + counts[i];
    return sum;
}

// --- memory: matrices

static uint32_t matrices(uint32_t *rng) {
    static int16_t a[MATRIX_N][MATRIX_N], b[MATRIX_N][MATRIX_N];
    static int32_t c[MATRIX_N][MATRIX_N];
    for (int i = 0; i < MATRIX_N; i++)
        for (int j = 0; j < MATRIX_N; j++) {
            a[i][j] = (int16_t) (next_random(rng) & 0xff) - 128;
            b[i][j] = (int16_t) (next_random(rng) & 0xff) - 128;
        }
    for (int i = 0; i < MATRIX_N; i++)
        for (int j = 0; j < MATRIX_N; j++) {
            int32_t sum = 0;
            for (int k = 0; k < MATRIX_N; k++)
                sum += a[i][k] * b[k][j];
            c[i][j] = sum;
        }
    uint32_t acc = 0;
    for (int i = 0; i < MATRIX_N; i++)
        for (int j = 0; j < MATRIX_N; j++) {
            int32_t v = c[i][j] + a[i][j] * 3;
            acc += (uint32_t) (v >> 2) ^ ((uint32_t) v & 0x3f);
        }
    return acc;
}

// --- memory: a linked list in a static pool

struct node {
    struct node *next;
    int16_t value;
    uint16_t index;
};

static struct node *list_reverse(struct node *head) {
    struct node *prev = 0;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static struct node *list_find(struct node *head, int16_t value) {
    while (head && head->value != value)
        head = head->next;
    return head;
}

// Merge sort by value, then index (stable and total).
static int node_less(const struct node *a, const struct node *b) {
    return a->value != b->value ? a->value < b->value : a->index < b->index;
}

static struct node *list_sort(struct node *head) {
    for (int width = 1;; width *= 2) {
        struct node *p = head, *tail = 0;
        head = 0;
        int merges = 0;
        while (p) {
            merges++;
            struct node *q = p;
            int psize = 0, qsize = width;
            while (psize < width && q) {
                psize++;
                q = q->next;
            }
            while (psize > 0 || (qsize > 0 && q)) {
                struct node *e;
                if (psize == 0 || (qsize > 0 && q && !node_less(p, q))) {
                    e = q, q = q->next, qsize--;
                } else {
                    e = p, p = p->next, psize--;
                }
                if (tail)
                    tail->next = e;
                else
                    head = e;
                tail = e;
            }
            p = q;
        }
        if (tail)
            tail->next = 0;
        if (merges <= 1)
            return head;
    }
}

static uint32_t linked_list(uint32_t *rng) {
    static struct node pool[LIST_NODES];
    struct node *head = 0;
    for (int i = 0; i < LIST_NODES; i++) {
        pool[i].value = (int16_t) (next_random(rng) % 200) - 100;
        pool[i].index = (uint16_t) i;
        pool[i].next = head;
        head = &pool[i];
    }
    uint32_t acc = 0;
    for (int16_t v = -100; v < 100; v += 7) {
        struct node *n = list_find(head, v);
        acc = acc * 3 + (n ? n->index : 0xffff);
    }
    head = list_reverse(head);
    head = list_sort(head);
    for (struct node *n = head; n; n = n->next)
        acc = acc * 7 + (uint32_t) (n->value + 100) + n->index;
    return acc;
}

// --- calls: recursion and a sort through a comparison callback

static __attribute__((noinline)) uint32_t ackermann_like(uint32_t depth, uint32_t x) {
    if (depth == 0)
        return x + 1;
    if (x == 0)
        return ackermann_like(depth - 1, 1);
    return ackermann_like(depth - 1, ackermann_like(depth, x - 1) & 7);
}

typedef int (*compare_fn)(const void *a, const void *b);

static __attribute__((noinline)) int compare_up(const void *a, const void *b) {
    int32_t x = *(const int32_t *) a, y = *(const int32_t *) b;
    return (x > y) - (x < y);
}

static __attribute__((noinline)) int compare_digits(const void *a, const void *b) {
    uint32_t x = (uint32_t) *(const int32_t *) a % 10, y = (uint32_t) *(const int32_t *) b % 10;
    return x != y ? (x > y) - (x < y) : compare_up(a, b);
}

// Heap sort of int32 values through `cmp`.
static void sift(int32_t *v, int root, int end, compare_fn cmp) {
    while (2 * root + 1 < end) {
        int child = 2 * root + 1;
        if (child + 1 < end && cmp(&v[child], &v[child + 1]) < 0)
            child++;
        if (cmp(&v[root], &v[child]) >= 0)
            return;
        int32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heap_sort(int32_t *v, int n, compare_fn cmp) {
    for (int i = n / 2 - 1; i >= 0; i--)
        sift(v, i, n, cmp);
    for (int end = n - 1; end > 0; end--) {
        int32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift(v, 0, end, cmp);
    }
}

static uint32_t calls(uint32_t *rng) {
    int32_t values[SORT_LEN];
    static const compare_fn compares[] = {compare_up, compare_digits};
    uint32_t acc = ackermann_like(2, next_random(rng) % 5);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < SORT_LEN; i++)
            values[i] = (int32_t) (next_random(rng) % 1000);
        heap_sort(values, SORT_LEN, compares[pass]);
        for (int i = 0; i < SORT_LEN; i++)
            acc = acc * 5 + (uint32_t) values[i];
    }
    return acc;
}

uint16_t workload_round(uint32_t seed) {
    uint32_t rng = seed * 2654435761u + 1;
    uint16_t crc = 0xffff;
    crc = crc16_u32(crc, scan_text(&rng));
    crc = crc16_u32(crc, matrices(&rng));
    crc = crc16_u32(crc, linked_list(&rng));
    crc = crc16_u32(crc, calls(&rng));
    return crc;
}

uint16_t workload_run(uint32_t rounds) {
    uint16_t crc = 0;
    for (uint32_t i = 0; i < rounds; i++)
        crc = crc16_u32(crc, workload_round(i));
    return crc;
}
