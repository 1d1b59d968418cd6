// SSE/SSE2 data movement and integer SIMD, SSE3 and SSSE3: before/after tables, including
// the alignment rule for 16-byte operands and the CR0/CR4 availability checks.
#include "sse_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kOnes = ~u64{0};

std::vector<SseCase> move_cases() {
    return {
        {.name = "MovapsLoad_Aligned", .code = {0x0f, 0x28, 0x03},
         .xmm_out = {{0, 0x1111111111111111, 0x2222222222222222}}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 8, 0x1111111111111111}, {0x2008, 8, 0x2222222222222222}}},
        {.name = "MovapsLoad_Misaligned_GeneralProtection", .code = {0x0f, 0x28, 0x03}, .xmm_in = {{0, 5, 6}},
         .xmm_out = {{0, 5, 6}}, .regs_in = {{R::Rbx, 0x2008}}, .vector = kGP},
        {.name = "MovupsLoad_MisalignedIsFine", .code = {0x0f, 0x10, 0x03}, .xmm_out = {{0, 0xa, 0xb}},
         .regs_in = {{R::Rbx, 0x2008}}, .mem_in = {{0x2008, 8, 0xa}, {0x2010, 8, 0xb}}},
        {.name = "MovdquStore_Misaligned", .code = {0xf3, 0x0f, 0x7f, 0x0b},
         .xmm_in = {{1, 0x0102030405060708, 0x1112131415161718}}, .regs_in = {{R::Rbx, 0x2003}},
         .mem_out = {{0x2003, 8, 0x0102030405060708}, {0x200b, 8, 0x1112131415161718}}},
        {.name = "MovdqaStore_Misaligned_FaultsWithoutWriting", .code = {0x66, 0x0f, 0x7f, 0x0b},
         .xmm_in = {{1, kOnes, kOnes}}, .regs_in = {{R::Rbx, 0x2004}}, .mem_in = {{0x2004, 8, 0}},
         .mem_out = {{0x2004, 8, 0}}, .vector = kGP},
        {.name = "MovssRegister_KeepsUpperElements", .code = {0xf3, 0x0f, 0x10, 0xc1},
         .xmm_in = {{0, 0xaaaaaaaabbbbbbbb, 0xcccc}, {1, 0x1111111122222222, 0x3333}},
         .xmm_out = {{0, 0xaaaaaaaa22222222, 0xcccc}}},
        {.name = "MovssLoad_ZeroExtends", .code = {0xf3, 0x0f, 0x10, 0x03}, .xmm_in = {{0, kOnes, kOnes}},
         .xmm_out = {{0, 0x3f800000, 0}}, .regs_in = {{R::Rbx, 0x2001}}, .mem_in = {{0x2001, 4, 0x3f800000}}},
        {.name = "MovsdStore_WritesEightBytes", .code = {0xf2, 0x0f, 0x11, 0x03},
         .xmm_in = {{0, 0x123456789abcdef0, 5}}, .regs_in = {{R::Rbx, 0x2000}}, .mem_in = {{0x2008, 8, 0x77}},
         .mem_out = {{0x2000, 8, 0x123456789abcdef0}, {0x2008, 8, 0x77}}},
        {.name = "MovdFromEax_ZeroExtendsRegister", .code = {0x66, 0x0f, 0x6e, 0xc0},
         .xmm_in = {{0, kOnes, kOnes}}, .xmm_out = {{0, 0x80000001, 0}}, .regs_in = {{R::Rax, 0xffffffff80000001}}},
        {.name = "MovqToRax", .code = {0x66, 0x48, 0x0f, 0x7e, 0xc0}, .xmm_in = {{0, 0x1122334455667788, 9}},
         .regs_out = {{R::Rax, 0x1122334455667788}}},
        {.name = "MovdToEax_ZeroExtendsGpr", .code = {0x66, 0x0f, 0x7e, 0xc0}, .xmm_in = {{0, 0x1122334455667788, 9}},
         .regs_in = {{R::Rax, kOnes}}, .regs_out = {{R::Rax, 0x55667788}}},
        {.name = "MovqXmmXmm_ClearsUpper", .code = {0xf3, 0x0f, 0x7e, 0xc1}, .xmm_in = {{0, 1, 2}, {1, 7, 8}},
         .xmm_out = {{0, 7, 0}}},
        {.name = "MovqStoreFormToRegister_ClearsUpper", .code = {0x66, 0x0f, 0xd6, 0xc8},
         .xmm_in = {{0, 1, 2}, {1, 7, 8}}, .xmm_out = {{0, 7, 0}}},
        {.name = "Movhlps", .code = {0x0f, 0x12, 0xc1}, .xmm_in = {{0, 1, 2}, {1, 3, 4}}, .xmm_out = {{0, 4, 2}}},
        {.name = "Movlhps", .code = {0x0f, 0x16, 0xc1}, .xmm_in = {{0, 1, 2}, {1, 3, 4}}, .xmm_out = {{0, 1, 3}}},
        {.name = "MovhpsLoad", .code = {0x0f, 0x16, 0x03}, .xmm_in = {{0, 1, 2}}, .xmm_out = {{0, 1, 9}},
         .regs_in = {{R::Rbx, 0x2000}}, .mem_in = {{0x2000, 8, 9}}},
        {.name = "MovhpsStore", .code = {0x0f, 0x17, 0x03}, .xmm_in = {{0, 1, 2}}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_out = {{0x2000, 8, 2}}},
        {.name = "MovlpdRegisterForm_Undefined", .code = {0x66, 0x0f, 0x12, 0xc1}, .vector = kUD},
        {.name = "Pmovmskb", .code = {0x66, 0x0f, 0xd7, 0xc1}, .xmm_in = {{1, 0x8000000000000080, 0xff00000000000000}},
         .regs_in = {{R::Rax, kOnes}}, .regs_out = {{R::Rax, 0x8081}}},
        {.name = "Movmskps", .code = {0x0f, 0x50, 0xc1}, .xmm_in = {{1, 0x8000000000000001, 0xffffffff7fffffff}},
         .regs_out = {{R::Rax, 0xa}}},
        {.name = "Movmskpd", .code = {0x66, 0x0f, 0x50, 0xc1}, .xmm_in = {{1, 0x8000000000000001, kOnes}},
         .regs_out = {{R::Rax, 3}}},
        {.name = "Pinsrw", .code = {0x66, 0x0f, 0xc4, 0xc0, 0x03}, .xmm_out = {{0, 0x5678000000000000, 0}},
         .regs_in = {{R::Rax, 0x12345678}}},
        {.name = "Pextrw_ZeroExtends", .code = {0x66, 0x0f, 0xc5, 0xc1, 0x07}, .xmm_in = {{1, 0, 0xbeef000000000000}},
         .regs_in = {{R::Rax, kOnes}}, .regs_out = {{R::Rax, 0xbeef}}},
        {.name = "Maskmovdqu_StoresSelectedBytes", .code = {0x66, 0x0f, 0xf7, 0xc1},
         .xmm_in = {{0, 0x0807060504030201, 0x100f0e0d0c0b0a09}, {1, 0xff, 0x8000000000000000}},
         .regs_in = {{R::Rdi, 0x2000}}, .mem_in = {{0x2000, 8, 0}, {0x2008, 8, 0}},
         .mem_out = {{0x2000, 8, 0x01}, {0x2008, 8, 0x1000000000000000}}},
        {.name = "Movnti", .code = {0x0f, 0xc3, 0x03}, .regs_in = {{R::Rax, 0xdeadbeef}, {R::Rbx, 0x2000}},
         .mem_out = {{0x2000, 4, 0xdeadbeef}}},
        {.name = "MovntiIgnoresTaskSwitched", .code = {0x0f, 0xc3, 0x03},
         .regs_in = {{R::Rax, 1}, {R::Rbx, 0x2000}}, .mem_out = {{0x2000, 4, 1}}, .cr0 = cr0::TS},
        {.name = "WithoutOsfxsr_Undefined", .code = {0x0f, 0x28, 0xc1}, .vector = kUD, .cr4 = 0},
        {.name = "TaskSwitched_DeviceNotAvailable", .code = {0x0f, 0x28, 0xc1}, .vector = kNM, .cr0 = cr0::TS},
        {.name = "EmulationBit_Undefined", .code = {0x0f, 0x28, 0xc1}, .vector = kUD, .cr0 = cr0::EM},
    };
}

std::vector<SseCase> integer_cases() {
    return {
        {.name = "PxorSelf", .code = {0x66, 0x0f, 0xef, 0xc0}, .xmm_in = {{0, 3, 4}}, .xmm_out = {{0, 0, 0}}},
        {.name = "Paddb_Wraps", .code = {0x66, 0x0f, 0xfc, 0xc1}, .xmm_in = {{0, 0x01ff, 0}, {1, 0x0101, 0}},
         .xmm_out = {{0, 0x0200, 0}}},
        {.name = "Paddusb_Saturates", .code = {0x66, 0x0f, 0xdc, 0xc1}, .xmm_in = {{0, 0x01ff, 0}, {1, 0x0101, 0}},
         .xmm_out = {{0, 0x02ff, 0}}},
        {.name = "Paddsw_Saturates", .code = {0x66, 0x0f, 0xed, 0xc1}, .xmm_in = {{0, 0x7fff, 0}, {1, 1, 0}},
         .xmm_out = {{0, 0x7fff, 0}}},
        {.name = "Pcmpeqb", .code = {0x66, 0x0f, 0x74, 0xc1}, .xmm_in = {{0, 0x1122, 0}, {1, 0x3322, 0}},
         .xmm_out = {{0, 0xffffffffffff00ff, kOnes}}},
        {.name = "Pcmpgtd_Signed", .code = {0x66, 0x0f, 0x66, 0xc1}, .xmm_in = {{0, 0x00000001ffffffff, 0}, {1, 0, 0}},
         .xmm_out = {{0, 0xffffffff00000000, 0}}},
        {.name = "PsrldqImm", .code = {0x66, 0x0f, 0x73, 0xd8, 0x04},
         .xmm_in = {{0, 0x8877665544332211, 0xffeeddccbbaa9900}}, .xmm_out = {{0, 0xbbaa990088776655, 0xffeeddcc}}},
        {.name = "PslldqBy16_Clears", .code = {0x66, 0x0f, 0x73, 0xf8, 0x10}, .xmm_in = {{0, kOnes, kOnes}},
         .xmm_out = {{0, 0, 0}}},
        {.name = "PsllqImm", .code = {0x66, 0x0f, 0x73, 0xf0, 0x01}, .xmm_in = {{0, 1, 0x8000000000000000}},
         .xmm_out = {{0, 2, 0}}},
        {.name = "PsrawImm15_SignFills", .code = {0x66, 0x0f, 0x71, 0xe0, 0x0f},
         .xmm_in = {{0, 0x80007fff0001ffff, 0}}, .xmm_out = {{0, 0xffff00000000ffff, 0}}},
        {.name = "PsrlwByRegisterCountOver15_Clears", .code = {0x66, 0x0f, 0xd1, 0xc1},
         .xmm_in = {{0, kOnes, kOnes}, {1, 16, 0}}, .xmm_out = {{0, 0, 0}}},
        {.name = "PsrlwImmMemoryForm_Undefined", .code = {0x66, 0x0f, 0x71, 0x13, 0x02}, .vector = kUD},
        {.name = "Pshufd_Reverses", .code = {0x66, 0x0f, 0x70, 0xc1, 0x1b},
         .xmm_in = {{1, 0x1111111100000000, 0x3333333322222222}},
         .xmm_out = {{0, 0x2222222233333333, 0x0000000011111111}}},
        {.name = "Pshuflw_KeepsHighHalf", .code = {0xf2, 0x0f, 0x70, 0xc1, 0x1b},
         .xmm_in = {{1, 0x4444333322221111, 0x8888777766665555}},
         .xmm_out = {{0, 0x1111222233334444, 0x8888777766665555}}},
        {.name = "Punpcklbw", .code = {0x66, 0x0f, 0x60, 0xc1},
         .xmm_in = {{0, 0x0706050403020100, 9}, {1, 0x1716151413121110, 9}},
         .xmm_out = {{0, 0x1303120211011000, 0x1707160615051404}}},
        {.name = "Packuswb_Saturates", .code = {0x66, 0x0f, 0x67, 0xc1},
         .xmm_in = {{0, 0x007fffff00ff0100, 0}, {1, 0, 0}}, .xmm_out = {{0, 0x000000007f00ffff, 0}}},
        {.name = "Shufps", .code = {0x0f, 0xc6, 0xc1, 0x44}, .xmm_in = {{0, 0xa, 0xb}, {1, 0xc, 0xd}},
         .xmm_out = {{0, 0xa, 0xc}}},
        {.name = "Shufpd", .code = {0x66, 0x0f, 0xc6, 0xc1, 0x01}, .xmm_in = {{0, 0xa, 0xb}, {1, 0xc, 0xd}},
         .xmm_out = {{0, 0xb, 0xc}}},
        {.name = "Psadbw", .code = {0x66, 0x0f, 0xf6, 0xc1},
         .xmm_in = {{0, 0x1010101010101010, 0}, {1, 0, kOnes}}, .xmm_out = {{0, 0x80, 0x7f8}}},
        {.name = "Pmuludq", .code = {0x66, 0x0f, 0xf4, 0xc1},
         .xmm_in = {{0, 0xdeadffffffff, 2}, {1, 0xbeefffffffff, 3}}, .xmm_out = {{0, 0xfffffffe00000001, 6}}},
        {.name = "Pmaddwd_WrapsMostNegative", .code = {0x66, 0x0f, 0xf5, 0xc1},
         .xmm_in = {{0, 0x0002000180008000, 0}, {1, 0x0004000380008000, 0}},
         .xmm_out = {{0, 0x0000000b80000000, 0}}},
        {.name = "Pavgb_RoundsUp", .code = {0x66, 0x0f, 0xe0, 0xc1}, .xmm_in = {{0, 0xff, 0}, {1, 0, 0}},
         .xmm_out = {{0, 0x80, 0}}},
        {.name = "Andnps", .code = {0x0f, 0x55, 0xc1}, .xmm_in = {{0, 0xff00, 0}, {1, 0xffff, kOnes}},
         .xmm_out = {{0, 0x00ff, kOnes}}},
        {.name = "PaddbMisalignedMemory_GeneralProtection", .code = {0x66, 0x0f, 0xfc, 0x03},
         .regs_in = {{R::Rbx, 0x2001}}, .vector = kGP},
    };
}

std::vector<SseCase> sse3_ssse3_cases() {
    return {
        {.name = "Movddup", .code = {0xf2, 0x0f, 0x12, 0xc1}, .xmm_in = {{1, 7, 8}}, .xmm_out = {{0, 7, 7}}},
        {.name = "Movshdup", .code = {0xf3, 0x0f, 0x16, 0xc1},
         .xmm_in = {{1, 0x1111111122222222, 0x3333333344444444}},
         .xmm_out = {{0, 0x1111111111111111, 0x3333333333333333}}},
        {.name = "Lddqu_Misaligned", .code = {0xf2, 0x0f, 0xf0, 0x03}, .xmm_out = {{0, 1, 2}},
         .regs_in = {{R::Rbx, 0x2001}}, .mem_in = {{0x2001, 8, 1}, {0x2009, 8, 2}}},
        {.name = "Haddps", .code = {0xf2, 0x0f, 0x7c, 0xc1},
         .xmm_in = {{0, f32x2(1, 2), f32x2(3, 4)}, {1, f32x2(10, 20), f32x2(30, 40)}},
         .xmm_out = {{0, f32x2(3, 7), f32x2(30, 70)}}},
        {.name = "HaddpsTwoNans_FirstOfThePair", .code = {0xf2, 0x0f, 0x7c, 0xc1},
         .xmm_in = {{0, 0x7fc000027fc00001, 0}, {1, 0, 0}}, .xmm_out = {{0, 0x7fc00001, 0}}},
        {.name = "Addsubpd", .code = {0x66, 0x0f, 0xd0, 0xc1}, .xmm_in = {{0, f64(5), f64(5)}, {1, f64(1), f64(1)}},
         .xmm_out = {{0, f64(4), f64(6)}}},
        {.name = "Pshufb", .code = {0x66, 0x0f, 0x38, 0x00, 0xc1},
         .xmm_in = {{0, 0x0706050403020100, 0x0f0e0d0c0b0a0908}, {1, 0x000000001101800f, 0}},
         .xmm_out = {{0, 0x000000000101000f, 0}}},
        {.name = "Phaddw_Wraps", .code = {0x66, 0x0f, 0x38, 0x01, 0xc1},
         .xmm_in = {{0, 0x0004000300020001, 0x0000000000017fff}, {1, 0x0001000100010001, 0}},
         .xmm_out = {{0, 0x0000800000070003, 0x0000000000020002}}},
        {.name = "Phaddsw_Saturates", .code = {0x66, 0x0f, 0x38, 0x03, 0xc1},
         .xmm_in = {{0, 0x0004000300020001, 0x0000000000017fff}, {1, 0x0001000100010001, 0}},
         .xmm_out = {{0, 0x00007fff00070003, 0x0000000000020002}}},
        {.name = "Pmaddubsw_Saturates", .code = {0x66, 0x0f, 0x38, 0x04, 0xc1},
         .xmm_in = {{0, 0xffff, 0}, {1, 0x7f7f, 0}}, .xmm_out = {{0, 0x7fff, 0}}},
        {.name = "Psignw", .code = {0x66, 0x0f, 0x38, 0x09, 0xc1},
         .xmm_in = {{0, 0x8000000500050005, 0}, {1, 0xffff00010000ffff, 0}},
         .xmm_out = {{0, 0x800000050000fffb, 0}}},
        {.name = "Pmulhrsw", .code = {0x66, 0x0f, 0x38, 0x0b, 0xc1}, .xmm_in = {{0, 0x4000, 0}, {1, 0x4000, 0}},
         .xmm_out = {{0, 0x2000, 0}}},
        {.name = "Pabsd_MostNegativeStays", .code = {0x66, 0x0f, 0x38, 0x1e, 0xc1},
         .xmm_in = {{1, 0x80000000ffffffff, 0x00000005fffffffb}},
         .xmm_out = {{0, 0x8000000000000001, 0x0000000500000005}}},
        {.name = "Palignr", .code = {0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x04},
         .xmm_in = {{0, 0x5555555566666666, 0x7777777788888888}, {1, 0x1111111122222222, 0x3333333344444444}},
         .xmm_out = {{0, 0x4444444411111111, 0x6666666633333333}}},
    };
}

class SseMoveTable : public testing::TestWithParam<SseCase> {};
TEST_P(SseMoveTable, Run_MatchesExpectedState) { run_sse_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Sse, SseMoveTable, testing::ValuesIn(move_cases()), sse_case_name);

class SseIntegerTable : public testing::TestWithParam<SseCase> {};
TEST_P(SseIntegerTable, Run_MatchesExpectedState) { run_sse_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Sse, SseIntegerTable, testing::ValuesIn(integer_cases()), sse_case_name);

class Sse3Ssse3Table : public testing::TestWithParam<SseCase> {};
TEST_P(Sse3Ssse3Table, Run_MatchesExpectedState) { run_sse_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Sse, Sse3Ssse3Table, testing::ValuesIn(sse3_ssse3_cases()), sse_case_name);

}  // namespace
}  // namespace flint::x86::test
