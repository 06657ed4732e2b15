package registry

import (
	"syscall"
	"unsafe"
)

// allocSlots maps the table outside the Go heap and asks for transparent
// huge pages. A lookup is one random access into a table of gigabytes; with
// 4 KiB pages nearly every one also misses the TLB, and under a hypervisor a
// TLB miss costs several more memory reads. Slots hold no pointers, so the
// garbage collector need not see them. Falls back to the heap if mmap fails.
func allocSlots(n int) []slot {
	size := n * int(unsafe.Sizeof(slot{}))
	if size < 2<<20 {
		return make([]slot, n)
	}
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]slot, n)
	}
	_ = syscall.Madvise(mem, syscall.MADV_HUGEPAGE) // advice only: fine if refused
	return unsafe.Slice((*slot)(unsafe.Pointer(&mem[0])), n)
}

// freeSlots unmaps a table made by allocSlots; heap tables are left to
// the garbage collector.
func freeSlots(s []slot) {
	size := len(s) * int(unsafe.Sizeof(slot{}))
	if size < 2<<20 {
		return
	}
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size))
}
