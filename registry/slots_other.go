//go:build !linux

package registry

func allocSlots(n int) []slot { return make([]slot, n) }

func freeSlots([]slot) {}
