package io.mvmci.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangeRingTest {
  @Test
  void theRingKnowsWhichEntriesItHoldsWhole() {
    ChangeRing ring = new ChangeRing(4);
    assertThat(ring.positionAfter(0)).as("nothing heard yet").isEqualTo(-1);
    for (long index = 10; index < 13; index++) {
      ring.entry(index);
      ring.add(index, index * 100, index, ChangeRing.SUBMITTED);
      ring.publish();
    }
    assertThat(ring.positionAfter(9)).isZero();
    assertThat(ring.positionAfter(10)).isEqualTo(1);
    assertThat(ring.positionAfter(12)).isEqualTo(3);
    assertThat(ring.positionAfter(8)).as("before the first entry heard").isEqualTo(-1);

    ring.entry(13);
    ring.add(13, 1300, 13, ChangeRing.SUBMITTED);
    ring.add(13, 1301, 13, ChangeRing.SUBMITTED);
    ring.publish();
    assertThat(ring.positionAfter(9)).as("entry 10 was overwritten").isEqualTo(-1);
    assertThat(ring.positionAfter(10)).isEqualTo(1);
    ChangeRing.Batch b = ring.read(0);
    assertThat(b.overrun()).isTrue();
    assertThat(b.seq()).containsExactly(1100, 1200, 1300, 1301);

    ring.reset();
    assertThat(ring.positionAfter(13)).as("a replaced database covers nothing").isEqualTo(-1);
    ring.entry(20);
    assertThat(ring.positionAfter(19)).isEqualTo(5);
  }

  @Test
  void idsCarryTheIndexAndTheTime() {
    assertThat(Frames.parseId(Frames.id(12, 345))).containsExactly(12, 345);
    assertThat(Frames.parseId("12")).containsExactly(12, 0);
    assertThat(Frames.parseId("x")).isNull();
    assertThat(Frames.parseId("-1")).isNull();
  }
}
