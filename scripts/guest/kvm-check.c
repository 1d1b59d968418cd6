/* Baked into the nested-KVM L1 image: proves /dev/kvm works before the VMM runs.
 * Opens /dev/kvm, checks KVM_GET_API_VERSION, creates a VM and one vCPU, and reports how
 * many entries KVM_GET_SUPPORTED_CPUID returns (growing the buffer on E2BIG). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void) {
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) { perror("open /dev/kvm"); return 1; }
  int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) { fprintf(stderr, "KVM_GET_API_VERSION=%d, want %d\n", api, KVM_API_VERSION); return 1; }
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) { perror("KVM_CREATE_VM"); return 1; }
  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) { perror("KVM_CREATE_VCPU"); return 1; }
  int mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  char cpuid[64] = "failed";
  for (unsigned n = 64; n <= 4096; n *= 2) {
    struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof(struct kvm_cpuid_entry2));
    if (!c) break;
    c->nent = n;
    int r = ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c);
    int err = errno;
    if (r == 0) snprintf(cpuid, sizeof cpuid, "%u", c->nent);
    else if (err != E2BIG) snprintf(cpuid, sizeof cpuid, "error(nent=%u: %s)", n, strerror(err));
    free(c);
    if (r == 0 || err != E2BIG) break;
  }
  printf("api=%d create_vm=ok create_vcpu=ok vcpu_mmap_size=%d supported_cpuid=%s\n", api, mmap_size, cpuid);
  return 0;
}
