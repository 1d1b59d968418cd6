#include "devices/legacy/uart8250.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_irq_line.h"

namespace flint {
namespace {

using namespace uart;

class Uart8250Test : public ::testing::Test {
protected:
    u8 rd(UartReg reg) {
        u8 v = 0;
        uart.read(static_cast<u64>(reg), std::span<u8>(&v, 1));
        return v;
    }
    void wr(UartReg reg, u8 v) { uart.write(static_cast<u64>(reg), std::span<const u8>(&v, 1)); }
    void push(std::vector<u8> bytes) { uart.push_input(bytes); }
    u8 iir_id() { return rd(UartReg::IirFcr) & kIirIdMask; }

    std::shared_ptr<test::FakeIrqLine> irq = std::make_shared<test::FakeIrqLine>();
    std::vector<u8> sent;
    Uart8250 uart{irq, [this](std::span<const u8> b) { sent.insert(sent.end(), b.begin(), b.end()); }};
};

TEST_F(Uart8250Test, ThrWrite_SendsByteToSink) {
    wr(UartReg::RbrThrDll, 'h');
    wr(UartReg::RbrThrDll, 'i');
    EXPECT_EQ(sent, (std::vector<u8>{'h', 'i'}));
    EXPECT_EQ(rd(UartReg::Lsr) & (kLsrThrEmpty | kLsrTxEmpty), kLsrThrEmpty | kLsrTxEmpty);
}

TEST_F(Uart8250Test, PushInput_SetsDataReadyUntilDrained) {
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, 0);
    push({'a', 'b'});
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, kLsrDataReady);
    EXPECT_EQ(rd(UartReg::RbrThrDll), 'a');
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, kLsrDataReady);
    EXPECT_EQ(rd(UartReg::RbrThrDll), 'b');
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, 0);
}

TEST_F(Uart8250Test, RxInterrupt_RaisedOnlyWithIerAndOut2) {
    push({'x'});
    EXPECT_FALSE(irq->high());
    wr(UartReg::IerDlm, kIerRxData);
    EXPECT_FALSE(irq->high());  // OUT2 still closes the gate
    EXPECT_EQ(iir_id(), kIirRxData);
    wr(UartReg::Mcr, kMcrOut2);
    EXPECT_TRUE(irq->high());
    EXPECT_EQ(rd(UartReg::RbrThrDll), 'x');
    EXPECT_FALSE(irq->high());
    EXPECT_EQ(iir_id(), kIirNoInterrupt);
}

TEST_F(Uart8250Test, RxInterrupt_RaisedByInputArrivingLater) {
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerRxData);
    EXPECT_FALSE(irq->high());
    push({'y'});
    EXPECT_TRUE(irq->high());
}

TEST_F(Uart8250Test, ThrEmptyInterrupt_RaisedOnEnableAndClearedByIirRead) {
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerThrEmpty);
    EXPECT_TRUE(irq->high());
    EXPECT_EQ(iir_id(), kIirThrEmpty);  // this read acknowledges it
    EXPECT_FALSE(irq->high());
    EXPECT_EQ(iir_id(), kIirNoInterrupt);
}

TEST_F(Uart8250Test, ThrEmptyInterrupt_ReassertedWhenReenabled) {
    // Linux's startup test: enable, read IIR, disable, enable again, expect it back.
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerThrEmpty);
    EXPECT_EQ(iir_id(), kIirThrEmpty);
    wr(UartReg::IerDlm, 0);
    wr(UartReg::IerDlm, kIerThrEmpty);
    EXPECT_TRUE(irq->high());
    EXPECT_EQ(iir_id(), kIirThrEmpty);
}

TEST_F(Uart8250Test, ThrWrite_RearmsThrEmptyInterrupt) {
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerThrEmpty);
    EXPECT_EQ(iir_id(), kIirThrEmpty);
    EXPECT_FALSE(irq->high());
    wr(UartReg::RbrThrDll, 'z');
    EXPECT_TRUE(irq->high());
    // The line dropped and rose again, so an edge-triggered PIC sees a new interrupt.
    ASSERT_GE(irq->levels.size(), 3u);
    EXPECT_EQ(irq->levels, (std::vector<bool>{true, false, true}));
}

TEST_F(Uart8250Test, IirPriority_RxDataBeforeThrEmpty) {
    wr(UartReg::IerDlm, kIerRxData | kIerThrEmpty);
    push({'q'});
    EXPECT_EQ(iir_id(), kIirRxData);
    EXPECT_EQ(iir_id(), kIirRxData);  // reading IIR does not acknowledge received data
    rd(UartReg::RbrThrDll);
    EXPECT_EQ(iir_id(), kIirThrEmpty);  // still pending: it was never the one reported
}

TEST_F(Uart8250Test, Fcr_FifoEnableShowsInIirHighBits) {
    EXPECT_EQ(rd(UartReg::IirFcr), kIirNoInterrupt);
    wr(UartReg::IirFcr, kFcrEnable);
    EXPECT_EQ(rd(UartReg::IirFcr), kIirFifoEnabled | kIirNoInterrupt);
    wr(UartReg::IirFcr, 0);
    EXPECT_EQ(rd(UartReg::IirFcr), kIirNoInterrupt);
}

TEST_F(Uart8250Test, Fcr_ClearRxDiscardsInput) {
    wr(UartReg::IirFcr, kFcrEnable);
    push({'1', '2'});
    wr(UartReg::IirFcr, kFcrEnable | kFcrClearRx);
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, 0);
}

TEST_F(Uart8250Test, LinuxProbe_IdentifiesPlain16550A) {
    // The register reads Linux's autoconfig uses to tell a 16550A from its relatives.
    wr(UartReg::IerDlm, 0);
    EXPECT_EQ(rd(UartReg::IerDlm) & 0x0f, 0);
    wr(UartReg::IerDlm, 0x0f);
    EXPECT_EQ(rd(UartReg::IerDlm) & 0x0f, 0x0f);
    wr(UartReg::IerDlm, 0);
    wr(UartReg::Lcr, 0);
    wr(UartReg::IirFcr, kFcrEnable);
    EXPECT_EQ(rd(UartReg::IirFcr) >> 6, 3);  // FIFOs present
    wr(UartReg::Lcr, 0x80);
    EXPECT_NE(rd(UartReg::IirFcr), 0);  // no EFR behind DLAB: not a 16650
    wr(UartReg::Lcr, 0xbf);
    EXPECT_NE(rd(UartReg::IirFcr), 0);  // no EFR behind 0xbf either
    wr(UartReg::Lcr, 0);
    wr(UartReg::IirFcr, kFcrEnable | 0x20);
    EXPECT_EQ(rd(UartReg::IirFcr) >> 5, 6);  // no 64-byte FIFO: not a 16750
    wr(UartReg::IerDlm, 0x40);
    EXPECT_EQ(rd(UartReg::IerDlm) & 0x40, 0);  // no UUE bit: not an XScale
}

TEST_F(Uart8250Test, Dlab_SelectsDivisorLatch) {
    wr(UartReg::Lcr, kLcrDlab | 0x03);
    wr(UartReg::RbrThrDll, 0x01);
    wr(UartReg::IerDlm, 0x02);
    EXPECT_TRUE(sent.empty());  // a DLL write does not transmit
    wr(UartReg::Lcr, 0x03);
    EXPECT_EQ(rd(UartReg::IerDlm), 0);  // IER untouched by the DLM write
    wr(UartReg::Lcr, kLcrDlab | 0x03);
    EXPECT_EQ(rd(UartReg::RbrThrDll), 0x01);
    EXPECT_EQ(rd(UartReg::IerDlm), 0x02);
    EXPECT_EQ(rd(UartReg::Lcr), kLcrDlab | 0x03);
}

TEST_F(Uart8250Test, Loopback_EchoesTransmittedBytesIntoRx) {
    wr(UartReg::Mcr, kMcrLoop);
    wr(UartReg::RbrThrDll, 0x5a);
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, kLsrDataReady);
    EXPECT_EQ(rd(UartReg::RbrThrDll), 0x5a);
    wr(UartReg::Mcr, 0);
    wr(UartReg::RbrThrDll, 0x5b);
    EXPECT_EQ(sent, (std::vector<u8>{0x5b}));
}

TEST_F(Uart8250Test, Loopback_MsrMirrorsMcr) {
    wr(UartReg::Mcr, kMcrLoop | kMcrOut2 | kMcrRts);  // Linux's probe value
    EXPECT_EQ(rd(UartReg::Msr) & kMsrLineMask, kMsrDcd | kMsrCts);
    wr(UartReg::Mcr, kMcrLoop | kMcrDtr | kMcrOut1);
    EXPECT_EQ(rd(UartReg::Msr) & kMsrLineMask, kMsrDsr | kMsrRi);
    wr(UartReg::Mcr, kMcrLoop);
    const u8 msr = rd(UartReg::Msr);
    EXPECT_EQ(msr & kMsrLineMask, 0);
    EXPECT_EQ(msr & (kMsrDeltaDsr | kMsrTrailingRi), kMsrDeltaDsr | kMsrTrailingRi);
    EXPECT_EQ(rd(UartReg::Msr) & kMsrDeltaMask, 0);  // deltas cleared by the read
}

TEST_F(Uart8250Test, Loopback_GatesInterruptLine) {
    wr(UartReg::Mcr, kMcrLoop | kMcrOut2);
    wr(UartReg::IerDlm, kIerRxData);
    wr(UartReg::RbrThrDll, 0x11);
    EXPECT_EQ(iir_id(), kIirRxData);
    EXPECT_FALSE(irq->high());
    wr(UartReg::Mcr, kMcrOut2);
    EXPECT_TRUE(irq->high());
}

TEST_F(Uart8250Test, Loopback_DropsConsoleInput) {
    wr(UartReg::Mcr, kMcrLoop);
    push({'k'});
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrDataReady, 0);
    EXPECT_EQ(uart.rx_dropped(), 1u);
}

TEST_F(Uart8250Test, ModemStatusInterrupt_ReportedOnDelta) {
    wr(UartReg::IerDlm, kIerModemStatus);
    EXPECT_EQ(iir_id(), kIirNoInterrupt);
    wr(UartReg::Mcr, kMcrLoop | kMcrRts);
    EXPECT_EQ(iir_id(), kIirModemStatus);
    rd(UartReg::Msr);
    EXPECT_EQ(iir_id(), kIirNoInterrupt);
}

TEST_F(Uart8250Test, Scratch_HoldsValue) {
    wr(UartReg::Scr, 0xa5);
    EXPECT_EQ(rd(UartReg::Scr), 0xa5);
    wr(UartReg::Scr, 0x5a);
    EXPECT_EQ(rd(UartReg::Scr), 0x5a);
}

TEST_F(Uart8250Test, Overflow_DropsCountsAndReportsOverrun) {
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerLineStatus);
    std::vector<u8> big(Uart8250::kRxCapacity + 10, 'a');
    uart.push_input(big);
    EXPECT_EQ(uart.rx_dropped(), 10u);
    EXPECT_TRUE(irq->high());
    EXPECT_EQ(iir_id(), kIirLineStatus);
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrOverrun, kLsrOverrun);
    EXPECT_EQ(rd(UartReg::Lsr) & kLsrOverrun, 0);  // cleared by the read
    EXPECT_FALSE(irq->high());
}

TEST_F(Uart8250Test, OutOfRangeOffset_CountedAndReadsOnes) {
    u8 v = 0;
    uart.read(9, std::span<u8>(&v, 1));
    EXPECT_EQ(v, 0xff);
    uart.write(12, std::span<const u8>(&v, 1));
    EXPECT_EQ(uart.bad_accesses(), 2u);
    EXPECT_TRUE(sent.empty());
}

TEST_F(Uart8250Test, SaveRestore_RoundTripsRegistersAndInput) {
    wr(UartReg::Scr, 0x42);
    wr(UartReg::Lcr, 0x1b);
    wr(UartReg::Mcr, kMcrOut2);
    wr(UartReg::IerDlm, kIerRxData);
    push({'s', 't'});
    const Uart8250State saved = uart.save();
    EXPECT_EQ(saved.rx, (std::vector<u8>{'s', 't'}));

    auto irq2 = std::make_shared<test::FakeIrqLine>();
    Uart8250 other(irq2, nullptr);
    other.restore(saved);
    EXPECT_TRUE(irq2->high());
    u8 v = 0;
    other.read(static_cast<u64>(UartReg::Scr), std::span<u8>(&v, 1));
    EXPECT_EQ(v, 0x42);
    other.read(static_cast<u64>(UartReg::RbrThrDll), std::span<u8>(&v, 1));
    EXPECT_EQ(v, 's');
}

TEST_F(Uart8250Test, ConcurrentInputAndReads_NoByteLostOrDuplicated) {
    constexpr int kBytes = 20000;
    std::atomic<bool> done{false};
    std::thread console([&] {
        for (int i = 0; i < kBytes; ++i) {
            const u8 b = static_cast<u8>(i);
            uart.push_input(std::span<const u8>(&b, 1));
        }
        done = true;
    });
    u64 received = 0;
    while (!done || (rd(UartReg::Lsr) & kLsrDataReady)) {
        if (rd(UartReg::Lsr) & kLsrDataReady) {
            rd(UartReg::RbrThrDll);
            ++received;
        }
    }
    console.join();
    EXPECT_EQ(received + uart.rx_dropped(), static_cast<u64>(kBytes));
}

}  // namespace
}  // namespace flint
