// Intrusive doubly linked lists. A list head is a `struct list` whose next and
// prev point to itself when empty; elements embed a `struct list` link.
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct list {
    struct list *next;
    struct list *prev;
};

#define container_of(ptr, type, field) ((type *) ((char *) (ptr) - offsetof(type, field)))
#define LIST_INIT(name) {&(name), &(name)}

static inline void list_init(struct list *head) { head->next = head->prev = head; }
static inline bool list_is_empty(const struct list *head) { return head->next == head; }
// True if `link` is on some list (links are kept self-pointing when removed).
static inline bool list_is_linked(const struct list *link) { return link->next != link; }

static inline void list_push_back(struct list *head, struct list *link) {
    link->prev = head->prev;
    link->next = head;
    head->prev->next = link;
    head->prev = link;
}

static inline void list_remove(struct list *link) {
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->next = link->prev = link;
}

// Removes and returns the first element's link, or NULL if empty.
static inline struct list *list_pop_front(struct list *head) {
    if (list_is_empty(head))
        return NULL;
    struct list *link = head->next;
    list_remove(link);
    return link;
}

#define LIST_FOR_EACH(elem, head, type, field)                                 \
    for (type *elem = container_of((head)->next, type, field),                 \
              *elem##_next = container_of(elem->field.next, type, field);      \
         &elem->field != (head);                                               \
         elem = elem##_next, elem##_next = container_of(elem->field.next, type, field))
