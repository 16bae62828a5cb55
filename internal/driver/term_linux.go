package driver

import (
	"os"
	"syscall"
	"unsafe"
)

// sysTermWidth asks the terminal f for its width with the TIOCGWINSZ
// ioctl; 0 if it cannot tell.
func sysTermWidth(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var ws struct{ Row, Col, Xpixel, Ypixel uint16 }
	var errno syscall.Errno
	rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
	})
	if errno != 0 {
		return 0
	}
	return int(ws.Col)
}
