#pragma once
// ioctl helpers shared by the KVM back end's objects.
#include <sys/ioctl.h>

#include <cerrno>

#include "base/result.h"

namespace flint::hv::kvm {

// ioctl() retried on EINTR, as every KVM ioctl but KVM_RUN may be.
template <typename Arg>
int xioctl(int fd, unsigned long request, Arg arg) {
    int r;
    do {
        r = ::ioctl(fd, request, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

inline Result<int> checked_ioctl(int fd, unsigned long request, auto arg, std::string_view what) {
    int r = xioctl(fd, request, arg);
    if (r < 0) return Error::from_errno(what);
    return r;
}

}  // namespace flint::hv::kvm
