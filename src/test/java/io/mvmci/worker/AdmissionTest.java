package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many runs fit a heap: slots × (2 × memory cap + 3 × largest step + engine state) within half of it. */
class AdmissionTest {
  static final long MIB = 1024 * 1024;

  @Test
  void theFindingsNodesWouldHaveRunOneOrThreeAtATimeNotEight() {
    // 8 slots, 64 MiB memory cap, 2 MiB steps: a run may hold 136 MiB
    Admission small = Admission.of(8, 64 * MIB, 2 * MIB, 512 * MIB);
    assertThat(small.perRunBytes()).isEqualTo(136 * MIB);
    assertThat(small.admitted()).isEqualTo(1);
    assertThat(small.reduced()).isTrue();
    assertThat(small.describe()).startsWith("8 worker slots configured, 1 admitted: a run may hold 136 MiB")
        .contains("50% of the 512 MiB heap (-Xmx) holds 1").contains("give the JVM more heap");
    assertThat(Admission.of(8, 64 * MIB, 2 * MIB, 1024 * MIB).admitted()).isEqualTo(3);
  }

  @Test
  void aBigEnoughHeapAdmitsEverySlotAndAHeapTooSmallForOneStillRunsOne() {
    Admission big = Admission.of(8, 64 * MIB, 2 * MIB, 8192 * MIB);
    assertThat(big.admitted()).isEqualTo(8);
    assertThat(big.reduced()).isFalse();
    assertThat(big.overcommitted()).isFalse();
    Admission tiny = Admission.of(4, 64 * MIB, 2 * MIB, 128 * MIB);
    assertThat(tiny.admitted()).isEqualTo(1);
    assertThat(tiny.overcommitted()).isTrue();
  }

  @Test
  void smallRunsAdmitManySlots() {
    // no-op jobs: 1 MiB of memory, 64 KiB steps; the lifecycle benchmark's 128 slots on a 1 GiB heap
    assertThat(Admission.of(128, MIB, 64 * 1024, 1024 * MIB).admitted()).isEqualTo(122);
  }
}
