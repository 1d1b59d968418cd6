// Decoder: lengths and decoded fields for a table of encodings, plus the error cases
// (15-byte limit, invalid opcodes, LOCK rules, truncated input).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "x86/decoder.h"

namespace flint::x86 {
namespace {

constexpr u8 kSs = static_cast<u8>(Seg::Ss), kDs = static_cast<u8>(Seg::Ds), kEs = static_cast<u8>(Seg::Es),
             kFs = static_cast<u8>(Seg::Fs);

struct DecodeCase {
    std::string name{};
    CpuMode mode = CpuMode::Long64;
    std::vector<u8> bytes{};
    DecodeStatus status = DecodeStatus::Ok;
    u8 len = 0;  // checked when status is Ok
    // Optional field checks.
    std::optional<u8> opsize{}, addrsize{}, reg{}, rm{}, base{}, index{}, scale{}, seg{}, ext{};
    std::optional<i64> disp{};
    std::optional<u64> imm{};
    std::optional<bool> mem{};
    u16 flags_set = 0, flags_clear = 0;
    const char* name_is = nullptr;
};

constexpr CpuMode L64 = CpuMode::Long64, P32 = CpuMode::Protected32, RM = CpuMode::Real;
using S = DecodeStatus;
namespace f = insn_flags;

std::vector<DecodeCase> cases() {
    std::vector<DecodeCase> v;
    auto add = [&](DecodeCase c) { v.push_back(std::move(c)); };
    add({.name = "AddRegReg", .mode = L64, .bytes = {0x01, 0xc8}, .len = 2, .opsize = 4, .reg = 1, .rm = 0, .mem = false});
    add({.name = "RexW", .mode = L64, .bytes = {0x48, 0x01, 0xc8}, .len = 3, .opsize = 8, .flags_set = f::Rex | f::RexW});
    add({.name = "OpSize66", .mode = L64, .bytes = {0x66, 0x01, 0xc8}, .len = 3, .opsize = 2});
    add({.name = "RexWBeats66", .mode = L64, .bytes = {0x66, 0x48, 0x01, 0xc8}, .len = 4, .opsize = 8});
    add({.name = "RexBeforeLegacyPrefixIgnored", .mode = L64, .bytes = {0x48, 0x66, 0x01, 0xc8}, .len = 4,
         .opsize = 2, .flags_clear = f::Rex});
    add({.name = "RexRB", .mode = L64, .bytes = {0x4d, 0x01, 0xc8}, .len = 3, .reg = 9, .rm = 8});
    add({.name = "SibScaleIndexDisp8", .mode = L64, .bytes = {0x8b, 0x44, 0xb3, 0x10}, .len = 4, .base = 3,
         .index = 6, .scale = 2, .seg = kDs, .disp = 0x10, .mem = true});
    add({.name = "SibRspBaseUsesSs", .mode = L64, .bytes = {0x8b, 0x04, 0x24}, .len = 3, .base = 4,
         .index = kNoReg, .seg = kSs});
    add({.name = "SibNoBaseDisp32", .mode = L64, .bytes = {0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}, .len = 7,
         .base = kNoReg, .index = kNoReg, .disp = 0x12345678});
    add({.name = "SibIndexR12WithRexX", .mode = L64, .bytes = {0x42, 0x8b, 0x04, 0x20}, .len = 4, .base = 0,
         .index = 12});
    add({.name = "RipRelative", .mode = L64, .bytes = {0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff}, .len = 6,
         .base = kRipReg, .disp = -16});
    add({.name = "RipRelativeDespiteRexB", .mode = L64, .bytes = {0x41, 0x8b, 0x05, 0, 0, 0, 0}, .len = 7,
         .base = kRipReg});
    add({.name = "Disp32AbsoluteIn32Bit", .mode = P32, .bytes = {0x8b, 0x05, 0x10, 0, 0, 0}, .len = 6,
         .addrsize = 4, .base = kNoReg, .disp = 0x10});
    add({.name = "R12BaseUsesDs", .mode = L64, .bytes = {0x41, 0x8b, 0x04, 0x24}, .len = 4, .base = 12, .seg = kDs});
    add({.name = "R13BaseNeedsDisp8", .mode = L64, .bytes = {0x41, 0x8b, 0x45, 0x00}, .len = 4, .base = 13,
         .seg = kDs, .disp = 0});
    add({.name = "Addr16BxSi", .mode = RM, .bytes = {0x8b, 0x00}, .len = 2, .opsize = 2, .addrsize = 2, .base = 3,
         .index = 6, .seg = kDs});
    add({.name = "Addr16BpDisp8UsesSs", .mode = RM, .bytes = {0x8b, 0x46, 0xfe}, .len = 3, .base = 5,
         .index = kNoReg, .seg = kSs, .disp = -2});
    add({.name = "Addr16Disp16", .mode = RM, .bytes = {0x8b, 0x06, 0x34, 0x12}, .len = 4, .base = kNoReg,
         .index = kNoReg, .disp = 0x1234});
    add({.name = "Addr16DsOverrideBeatsSs", .mode = RM, .bytes = {0x3e, 0x8b, 0x46, 0x00}, .len = 4, .seg = kDs,
         .flags_set = f::SegOverride});
    add({.name = "Addr32InRealModeVia67", .mode = RM, .bytes = {0x67, 0x8b, 0x04, 0x24}, .len = 4, .addrsize = 4,
         .base = 4});
    add({.name = "Addr32In64Via67", .mode = L64, .bytes = {0x67, 0x8b, 0x00}, .len = 3, .addrsize = 4});
    add({.name = "OpSize32InRealModeVia66", .mode = RM, .bytes = {0x66, 0xb8, 1, 0, 0, 0}, .len = 6, .opsize = 4,
         .imm = 1});
    add({.name = "Moffs64", .mode = L64, .bytes = {0x48, 0xa1, 8, 7, 6, 5, 4, 3, 2, 1}, .len = 10, .opsize = 8,
         .disp = 0x0102030405060708, .mem = true});
    add({.name = "Moffs32Via67", .mode = L64, .bytes = {0x67, 0xa1, 4, 3, 2, 1}, .len = 6, .disp = 0x01020304});
    add({.name = "Imm64", .mode = L64, .bytes = {0x48, 0xb8, 8, 7, 6, 5, 4, 3, 2, 1}, .len = 10,
         .imm = 0x0102030405060708});
    add({.name = "Imm8SignExtended", .mode = L64, .bytes = {0x48, 0x83, 0xc0, 0xff}, .len = 4, .ext = 0,
         .imm = ~u64{0}});
    add({.name = "Imm32SignExtendedFor64", .mode = L64, .bytes = {0x48, 0x81, 0xc0, 0, 0, 0, 0x80}, .len = 7,
         .imm = 0xffffffff80000000});
    add({.name = "Group3TestHasImm", .mode = L64, .bytes = {0xf7, 0xc0, 1, 0, 0, 0}, .len = 6, .ext = 0});
    add({.name = "Group3NotHasNoImm", .mode = L64, .bytes = {0xf7, 0xd0}, .len = 2, .ext = 2});
    add({.name = "Group3TestAliasSlash1", .mode = L64, .bytes = {0xf6, 0xc8, 0x01}, .len = 3});
    add({.name = "JccRel32", .mode = L64, .bytes = {0x0f, 0x84, 0x10, 0, 0, 0}, .len = 6, .opsize = 8, .ext = 4});
    add({.name = "Jcc66IgnoredIn64", .mode = L64, .bytes = {0x66, 0x0f, 0x84, 0x10, 0, 0, 0}, .len = 7, .opsize = 8});
    add({.name = "JccRel16InRealMode", .mode = RM, .bytes = {0x0f, 0x84, 0x34, 0x12}, .len = 4, .opsize = 2,
         .imm = 0x1234});
    add({.name = "PushDefaults64", .mode = L64, .bytes = {0x50}, .len = 1, .opsize = 8});
    add({.name = "Push66Is16In64", .mode = L64, .bytes = {0x66, 0x50}, .len = 2, .opsize = 2});
    add({.name = "SegOverrideFs", .mode = L64, .bytes = {0x64, 0x8b, 0x00}, .len = 3, .seg = kFs});
    add({.name = "SegOverrideDsIgnoredIn64", .mode = L64, .bytes = {0x3e, 0x8b, 0x04, 0x24}, .len = 4, .seg = kSs,
         .flags_clear = f::SegOverride});
    add({.name = "SegOverrideEsIn32", .mode = P32, .bytes = {0x26, 0x8b, 0x00}, .len = 3, .seg = kEs});
    add({.name = "RepeatedPrefixes", .mode = L64, .bytes = {0x66, 0x66, 0x66, 0x01, 0xc8}, .len = 5, .opsize = 2});
    add({.name = "LastRepPrefixWins", .mode = L64, .bytes = {0xf3, 0xf2, 0xa4}, .len = 3, .flags_set = f::Repne,
         .flags_clear = f::Rep});
    add({.name = "LockOnMemoryAdd", .mode = L64, .bytes = {0xf0, 0x01, 0x03}, .len = 3, .flags_set = f::Lock});
    add({.name = "LockOnRegisterDest", .mode = L64, .bytes = {0xf0, 0x01, 0xc8}, .status = S::Invalid});
    add({.name = "LockOnMov", .mode = L64, .bytes = {0xf0, 0x89, 0x03}, .status = S::Invalid});
    add({.name = "LockOnCmp", .mode = L64, .bytes = {0xf0, 0x39, 0x03}, .status = S::Invalid});
    add({.name = "LockOnGroup1Cmp", .mode = L64, .bytes = {0xf0, 0x83, 0x3b, 0x01}, .status = S::Invalid});
    add({.name = "LockOnGroup1Add", .mode = L64, .bytes = {0xf0, 0x83, 0x03, 0x01}, .len = 4});
    add({.name = "LockOnXchg", .mode = L64, .bytes = {0xf0, 0x87, 0x03}, .len = 3});
    add({.name = "LockOnCmpxchg8b", .mode = L64, .bytes = {0xf0, 0x0f, 0xc7, 0x0f}, .len = 4});
    add({.name = "FifteenBytes", .mode = L64, .bytes = {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8},
         .len = 15});
    add({.name = "SixteenBytes", .mode = L64,
         .bytes = {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, .status = S::TooLong});
    add({.name = "FifteenPrefixes", .mode = L64, .bytes = std::vector<u8>(16, 0x66), .status = S::TooLong});
    add({.name = "Truncated", .mode = L64, .bytes = {0xb8, 0x01}, .status = S::NeedBytes});
    add({.name = "UndefinedOpcode", .mode = L64, .bytes = {0x0f, 0x04}, .status = S::Invalid});
    add({.name = "PushEsInvalidIn64", .mode = L64, .bytes = {0x06}, .status = S::Invalid});
    add({.name = "PushEsValidIn32", .mode = P32, .bytes = {0x06}, .len = 1, .opsize = 4});
    add({.name = "Byte40IsRexIn64", .mode = L64, .bytes = {0x40, 0x01, 0xc8}, .len = 3, .flags_set = f::Rex});
    add({.name = "Byte40IsIncIn32", .mode = P32, .bytes = {0x40}, .len = 1, .name_is = "inc"});
    add({.name = "LeaRegisterFormInvalid", .mode = L64, .bytes = {0x8d, 0xc0}, .status = S::Invalid});
    add({.name = "ArplIn32", .mode = P32, .bytes = {0x63, 0xc0}, .len = 2});
    add({.name = "ByteRegAhWithoutRex", .mode = L64, .bytes = {0x88, 0xe0}, .len = 2, .reg = kHighByteReg, .rm = 0});
    add({.name = "ByteRegSplWithRex", .mode = L64, .bytes = {0x40, 0x88, 0xe0}, .len = 3, .reg = 4});
    add({.name = "MovzxByteSourceUsesBh", .mode = L64, .bytes = {0x0f, 0xb6, 0xc7}, .len = 3, .reg = 0,
         .rm = kHighByteReg + 3});
    add({.name = "Pause", .mode = L64, .bytes = {0xf3, 0x90}, .len = 2, .flags_clear = f::Rep, .name_is = "pause"});
    add({.name = "XchgR8Rax", .mode = L64, .bytes = {0x49, 0x90}, .len = 2, .rm = 8, .name_is = "xchg"});
    add({.name = "PopcntNeedsF3", .mode = L64, .bytes = {0xf3, 0x0f, 0xb8, 0xc0}, .len = 4, .name_is = "popcnt"});
    add({.name = "JmpeWithoutF3Invalid", .mode = L64, .bytes = {0x0f, 0xb8, 0xc0}, .status = S::Invalid});
    add({.name = "MandatoryF3Keeps66AsOpSize", .mode = L64, .bytes = {0x66, 0xf3, 0x0f, 0xb8, 0xc0}, .len = 5,
         .opsize = 2});
    add({.name = "Movbe", .mode = L64, .bytes = {0x0f, 0x38, 0xf0, 0x03}, .len = 4, .name_is = "movbe"});
    add({.name = "MovbeRegisterFormInvalid", .mode = L64, .bytes = {0x0f, 0x38, 0xf0, 0xc0}, .status = S::Invalid});
    add({.name = "Map0F3AHasImm8", .mode = L64, .bytes = {0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08}, .len = 6});
    add({.name = "X87RegisterForm", .mode = L64, .bytes = {0xd9, 0xc0}, .len = 2});
    add({.name = "X87MemoryForm", .mode = L64, .bytes = {0xdd, 0x04, 0x24}, .len = 3});
    add({.name = "Enter", .mode = L64, .bytes = {0xc8, 0x10, 0x00, 0x01}, .len = 4, .imm = 0x10});
    add({.name = "Cmpxchg16bRegisterFormInvalid", .mode = L64, .bytes = {0x48, 0x0f, 0xc7, 0xc8}, .status = S::Invalid});
    add({.name = "Group5Slash7Invalid", .mode = L64, .bytes = {0xff, 0xf8}, .status = S::Invalid});
    add({.name = "Group11Slash7Invalid", .mode = L64, .bytes = {0xc6, 0xf8, 0x00}, .status = S::Invalid});
    add({.name = "CallIndirect64", .mode = L64, .bytes = {0xff, 0xd0}, .len = 2, .opsize = 8});
    add({.name = "NopWithModrm", .mode = L64, .bytes = {0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, .len = 9});
    add({.name = "Ud2", .mode = L64, .bytes = {0x0f, 0x0b}, .len = 2, .name_is = "ud2"});
    add({.name = "Ud0TakesModrm", .mode = L64, .bytes = {0x0f, 0xff, 0xc0}, .len = 3, .name_is = "ud0"});
    add({.name = "InImm8", .mode = L64, .bytes = {0xe5, 0x60}, .len = 2, .opsize = 4, .imm = 0x60});
    return v;
}

class DecoderTable : public testing::TestWithParam<DecodeCase> {};

TEST_P(DecoderTable, Decode_MatchesExpectedFields) {
    const DecodeCase& c = GetParam();
    Insn in;
    const DecodeStatus s = decode(c.mode, c.bytes, in);
    ASSERT_EQ(static_cast<int>(s), static_cast<int>(c.status));
    if (s != DecodeStatus::Ok) return;
    EXPECT_EQ(in.len, c.len);
    EXPECT_NE(in.fn, nullptr);
    if (c.opsize) {
        EXPECT_EQ(in.opsize, *c.opsize);
    }
    if (c.addrsize) {
        EXPECT_EQ(in.addrsize, *c.addrsize);
    }
    if (c.reg) {
        EXPECT_EQ(in.reg, *c.reg);
    }
    if (c.rm) {
        EXPECT_EQ(in.rm, *c.rm);
    }
    if (c.base) {
        EXPECT_EQ(in.base, *c.base);
    }
    if (c.index) {
        EXPECT_EQ(in.index, *c.index);
    }
    if (c.scale) {
        EXPECT_EQ(in.scale, *c.scale);
    }
    if (c.seg) {
        EXPECT_EQ(in.seg, *c.seg);
    }
    if (c.ext) {
        EXPECT_EQ(in.ext, *c.ext);
    }
    if (c.disp) {
        EXPECT_EQ(in.disp, *c.disp);
    }
    if (c.imm) {
        EXPECT_EQ(in.imm, *c.imm);
    }
    if (c.mem) {
        EXPECT_EQ(in.mem(), *c.mem);
    }
    EXPECT_EQ(in.flags & c.flags_set, c.flags_set);
    EXPECT_EQ(in.flags & c.flags_clear, 0);
    if (c.name_is) {
        EXPECT_STREQ(in.name, c.name_is);
    }
}

INSTANTIATE_TEST_SUITE_P(X86Decoder, DecoderTable, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<DecodeCase>& i) { return i.param.name; });

// Every opcode byte in every mode decodes to a defined status without reading past 15
// bytes or crashing, whatever follows it.
TEST(X86Decoder, AnyOpcodeWithAnyTail_NeverExceedsFifteenBytes) {
    for (CpuMode mode : {CpuMode::Real, CpuMode::Protected32, CpuMode::Long64})
        for (unsigned map = 0; map < 4; ++map)
            for (unsigned op = 0; op < 256; ++op)
                for (u8 fill : {u8{0x00}, u8{0x24}, u8{0xc0}, u8{0xff}}) {
                    std::vector<u8> bytes;
                    if (map) bytes.push_back(0x0f);
                    if (map == 2) bytes.push_back(0x38);
                    if (map == 3) bytes.push_back(0x3a);
                    bytes.push_back(static_cast<u8>(op));
                    bytes.resize(20, fill);
                    Insn in;
                    const DecodeStatus s = decode(mode, bytes, in);
                    EXPECT_LE(in.len, kMaxInsnLen);
                    if (s == DecodeStatus::Ok) {
                        EXPECT_NE(in.fn, nullptr);
                    }
                }
}

}  // namespace
}  // namespace flint::x86
