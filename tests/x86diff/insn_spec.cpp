#include "insn_spec.h"

#include <vector>

#include "insn_spec_mmx.h"
#include "insn_spec_sse.h"
#include "insn_spec_x87.h"

namespace flint::x86diff {
namespace {

using namespace trait;

constexpr std::string_view kAluNames[8] = {"ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"};
constexpr std::string_view kShiftNames[8] = {"ROL", "ROR", "RCL", "RCR",
                                             "SHL", "SHR", "SAL", "SAR"};
constexpr std::string_view kCond[16] = {"O", "NO", "B", "AE", "E",  "NE", "BE", "A",
                                        "S", "NS", "P", "NP", "L", "GE", "LE", "G"};
constexpr std::string_view kJcc[16] = {"JO", "JNO", "JB", "JAE", "JE", "JNE", "JBE", "JA",
                                       "JS", "JNS", "JP", "JNP", "JL", "JGE", "JLE", "JG"};
constexpr std::string_view kSetcc[16] = {"SETO", "SETNO", "SETB", "SETAE", "SETE", "SETNE",
                                         "SETBE", "SETA", "SETS", "SETNS", "SETP", "SETNP",
                                         "SETL", "SETGE", "SETLE", "SETG"};
constexpr std::string_view kCmovcc[16] = {"CMOVO", "CMOVNO", "CMOVB", "CMOVAE", "CMOVE",
                                          "CMOVNE", "CMOVBE", "CMOVA", "CMOVS", "CMOVNS",
                                          "CMOVP", "CMOVNP", "CMOVL", "CMOVGE", "CMOVLE",
                                          "CMOVG"};

InsnSpec row(std::string_view name, u8 map, u8 op, i8 reg, Form f, SizeRule sz,
             ImmRule imm = ImmRule::None, u32 traits = 0, u8 prefix = 0) {
    return InsnSpec{name, prefix, map, op, reg, f, sz, imm, traits};
}

std::vector<InsnSpec> build() {
    std::vector<InsnSpec> t;
    const auto B = SizeRule::Byte, V = SizeRule::V, D64 = SizeRule::D64, F64 = SizeRule::F64;

    // 00-3F: the eight ALU operations, six encodings each.
    for (u8 i = 0; i < 8; ++i) {
        const u32 lock = i == 7 ? 0 : Lockable;
        const u8 base = static_cast<u8>(i * 8);
        t.push_back(row(kAluNames[i], 0, base + 0, -1, Form::E_G, B, ImmRule::None, lock));
        t.push_back(row(kAluNames[i], 0, base + 1, -1, Form::E_G, V, ImmRule::None, lock));
        t.push_back(row(kAluNames[i], 0, base + 2, -1, Form::G_E, B));
        t.push_back(row(kAluNames[i], 0, base + 3, -1, Form::G_E, V));
        t.push_back(row(kAluNames[i], 0, base + 4, -1, Form::None, B, ImmRule::B));
        t.push_back(row(kAluNames[i], 0, base + 5, -1, Form::None, V, ImmRule::Z));
        const i8 g = static_cast<i8>(i);
        t.push_back(row(kAluNames[i], 0, 0x80, g, Form::E, B, ImmRule::B, lock));
        t.push_back(row(kAluNames[i], 0, 0x81, g, Form::E, V, ImmRule::Z, lock));
        t.push_back(row(kAluNames[i], 0, 0x83, g, Form::E, V, ImmRule::B, lock));
    }

    // Opcodes that 64-bit mode removed: the CPU must raise #UD exactly as the host does.
    struct Gone { std::string_view name; u8 op; Form form; ImmRule imm; };
    for (const Gone& g : {Gone{"PUSH ES", 0x06, Form::None, ImmRule::None},
                          Gone{"POP ES", 0x07, Form::None, ImmRule::None},
                          Gone{"PUSH CS", 0x0e, Form::None, ImmRule::None},
                          Gone{"PUSH SS", 0x16, Form::None, ImmRule::None},
                          Gone{"POP SS", 0x17, Form::None, ImmRule::None},
                          Gone{"PUSH DS", 0x1e, Form::None, ImmRule::None},
                          Gone{"POP DS", 0x1f, Form::None, ImmRule::None},
                          Gone{"DAA", 0x27, Form::None, ImmRule::None},
                          Gone{"DAS", 0x2f, Form::None, ImmRule::None},
                          Gone{"AAA", 0x37, Form::None, ImmRule::None},
                          Gone{"AAS", 0x3f, Form::None, ImmRule::None},
                          Gone{"PUSHA", 0x60, Form::None, ImmRule::None},
                          Gone{"POPA", 0x61, Form::None, ImmRule::None},
                          Gone{"ALU 82", 0x82, Form::E, ImmRule::B},
                          Gone{"CALLF ptr", 0x9a, Form::None, ImmRule::Z},
                          Gone{"INTO", 0xce, Form::None, ImmRule::None},
                          Gone{"AAM", 0xd4, Form::None, ImmRule::B},
                          Gone{"AAD", 0xd5, Form::None, ImmRule::B},
                          Gone{"SALC", 0xd6, Form::None, ImmRule::None},
                          Gone{"JMPF ptr", 0xea, Form::None, ImmRule::Z}}) {
        t.push_back(row(g.name, 0, g.op, g.form == Form::E ? 0 : -1, g.form, B, g.imm, Invalid64));
    }

    t.push_back(row("PUSH", 0, 0x50, -1, Form::Z, D64));
    t.push_back(row("POP", 0, 0x58, -1, Form::Z, D64));
    t.push_back(row("MOVSXD", 0, 0x63, -1, Form::G_Ed, V));
    t.push_back(row("PUSH", 0, 0x68, -1, Form::None, D64, ImmRule::Z));
    t.push_back(row("IMUL", 0, 0x69, -1, Form::G_E, V, ImmRule::Z));
    t.push_back(row("PUSH", 0, 0x6a, -1, Form::None, D64, ImmRule::B));
    t.push_back(row("IMUL", 0, 0x6b, -1, Form::G_E, V, ImmRule::B));
    for (u8 c = 0; c < 16; ++c) {
        t.push_back(row(kJcc[c], 0, static_cast<u8>(0x70 + c), -1, Form::None, F64, ImmRule::Jb, RelBranch));
        t.push_back(row(kJcc[c], 1, static_cast<u8>(0x80 + c), -1, Form::None, F64, ImmRule::Jz, RelBranch));
        t.push_back(row(kSetcc[c], 1, static_cast<u8>(0x90 + c), 0, Form::E, B));
        t.push_back(row(kCmovcc[c], 1, static_cast<u8>(0x40 + c), -1, Form::G_E, V));
    }
    t.push_back(row("TEST", 0, 0x84, -1, Form::E_G, B));
    t.push_back(row("TEST", 0, 0x85, -1, Form::E_G, V));
    t.push_back(row("XCHG", 0, 0x86, -1, Form::E_G, B, ImmRule::None, Lockable));
    t.push_back(row("XCHG", 0, 0x87, -1, Form::E_G, V, ImmRule::None, Lockable));
    t.push_back(row("MOV", 0, 0x88, -1, Form::E_G, B));
    t.push_back(row("MOV", 0, 0x89, -1, Form::E_G, V));
    t.push_back(row("MOV", 0, 0x8a, -1, Form::G_E, B));
    t.push_back(row("MOV", 0, 0x8b, -1, Form::G_E, V));
    t.push_back(row("LEA", 0, 0x8d, -1, Form::G_M, V, ImmRule::None, MemOnly));
    t.push_back(row("POP", 0, 0x8f, 0, Form::E, D64));
    t.push_back(row("NOP", 0, 0x90, -1, Form::None, B, ImmRule::None, NoRexW));
    t.push_back(row("PAUSE", 0, 0x90, -1, Form::None, B, ImmRule::None, NoRexW, 0xf3));
    t.push_back(row("XCHG", 0, 0x90, -1, Form::Z, V));  // 90+r with rAX; r == 0 only via REX.B
    t.push_back(row("CBW/CWDE/CDQE", 0, 0x98, -1, Form::None, V));
    t.push_back(row("CWD/CDQ/CQO", 0, 0x99, -1, Form::None, V));
    t.push_back(row("PUSHF", 0, 0x9c, -1, Form::None, D64));
    t.push_back(row("POPF", 0, 0x9d, -1, Form::None, D64, ImmRule::None, PopFlags));
    t.push_back(row("SAHF", 0, 0x9e, -1, Form::None, B));
    t.push_back(row("LAHF", 0, 0x9f, -1, Form::None, B));
    t.push_back(row("MOV", 0, 0xa0, -1, Form::Moffs, B));
    t.push_back(row("MOV", 0, 0xa1, -1, Form::Moffs, V));
    t.push_back(row("MOV", 0, 0xa2, -1, Form::Moffs, B));
    t.push_back(row("MOV", 0, 0xa3, -1, Form::Moffs, V));
    t.push_back(row("MOVS", 0, 0xa4, -1, Form::None, B, ImmRule::None, String));
    t.push_back(row("MOVS", 0, 0xa5, -1, Form::None, V, ImmRule::None, String));
    t.push_back(row("CMPS", 0, 0xa6, -1, Form::None, B, ImmRule::None, String | RepCond));
    t.push_back(row("CMPS", 0, 0xa7, -1, Form::None, V, ImmRule::None, String | RepCond));
    t.push_back(row("TEST", 0, 0xa8, -1, Form::None, B, ImmRule::B));
    t.push_back(row("TEST", 0, 0xa9, -1, Form::None, V, ImmRule::Z));
    t.push_back(row("STOS", 0, 0xaa, -1, Form::None, B, ImmRule::None, String));
    t.push_back(row("STOS", 0, 0xab, -1, Form::None, V, ImmRule::None, String));
    t.push_back(row("LODS", 0, 0xac, -1, Form::None, B, ImmRule::None, String));
    t.push_back(row("LODS", 0, 0xad, -1, Form::None, V, ImmRule::None, String));
    t.push_back(row("SCAS", 0, 0xae, -1, Form::None, B, ImmRule::None, String | RepCond));
    t.push_back(row("SCAS", 0, 0xaf, -1, Form::None, V, ImmRule::None, String | RepCond));
    t.push_back(row("MOV", 0, 0xb0, -1, Form::Z, B, ImmRule::B));
    t.push_back(row("MOV", 0, 0xb8, -1, Form::Z, V, ImmRule::V));

    for (u8 i = 0; i < 8; ++i) {
        const i8 g = static_cast<i8>(i);
        t.push_back(row(kShiftNames[i], 0, 0xc0, g, Form::E, B, ImmRule::B, ShiftImm));
        t.push_back(row(kShiftNames[i], 0, 0xc1, g, Form::E, V, ImmRule::B, ShiftImm));
        t.push_back(row(kShiftNames[i], 0, 0xd0, g, Form::E, B, ImmRule::None, ShiftOne));
        t.push_back(row(kShiftNames[i], 0, 0xd1, g, Form::E, V, ImmRule::None, ShiftOne));
        t.push_back(row(kShiftNames[i], 0, 0xd2, g, Form::E, B, ImmRule::None, ShiftCl));
        t.push_back(row(kShiftNames[i], 0, 0xd3, g, Form::E, V, ImmRule::None, ShiftCl));
    }
    t.push_back(row("RET", 0, 0xc2, -1, Form::None, F64, ImmRule::W, Ret));
    t.push_back(row("RET", 0, 0xc3, -1, Form::None, F64, ImmRule::None, Ret));
    t.push_back(row("MOV", 0, 0xc6, 0, Form::E, B, ImmRule::B));
    t.push_back(row("MOV", 0, 0xc7, 0, Form::E, V, ImmRule::Z));
    t.push_back(row("ENTER", 0, 0xc8, -1, Form::None, D64, ImmRule::WB, FramePtr));
    t.push_back(row("LEAVE", 0, 0xc9, -1, Form::None, D64, ImmRule::None, FramePtr));
    t.push_back(row("XLAT", 0, 0xd7, -1, Form::None, B, ImmRule::None, Xlat));
    t.push_back(row("LOOPNE", 0, 0xe0, -1, Form::None, F64, ImmRule::Jb, RelBranch | CountReg));
    t.push_back(row("LOOPE", 0, 0xe1, -1, Form::None, F64, ImmRule::Jb, RelBranch | CountReg));
    t.push_back(row("LOOP", 0, 0xe2, -1, Form::None, F64, ImmRule::Jb, RelBranch | CountReg));
    t.push_back(row("JRCXZ", 0, 0xe3, -1, Form::None, F64, ImmRule::Jb, RelBranch | CountReg));
    t.push_back(row("CALL", 0, 0xe8, -1, Form::None, F64, ImmRule::Jz, RelBranch));
    t.push_back(row("JMP", 0, 0xe9, -1, Form::None, F64, ImmRule::Jz, RelBranch));
    t.push_back(row("JMP", 0, 0xeb, -1, Form::None, F64, ImmRule::Jb, RelBranch));
    t.push_back(row("CMC", 0, 0xf5, -1, Form::None, B));
    t.push_back(row("CLC", 0, 0xf8, -1, Form::None, B));
    t.push_back(row("STC", 0, 0xf9, -1, Form::None, B));
    t.push_back(row("CLD", 0, 0xfc, -1, Form::None, B));
    t.push_back(row("STD", 0, 0xfd, -1, Form::None, B));

    constexpr std::string_view kGroup3[8] = {"TEST", "TEST", "NOT", "NEG",
                                             "MUL",  "IMUL", "DIV", "IDIV"};
    for (u8 i = 0; i < 8; ++i) {
        const i8 g = static_cast<i8>(i);
        const u32 tr = (i == 2 || i == 3) ? Lockable : (i >= 6 ? DivBias : 0);
        const ImmRule b = i < 2 ? ImmRule::B : ImmRule::None;
        const ImmRule z = i < 2 ? ImmRule::Z : ImmRule::None;
        t.push_back(row(kGroup3[i], 0, 0xf6, g, Form::E, B, b, tr));
        t.push_back(row(kGroup3[i], 0, 0xf7, g, Form::E, V, z, tr));
    }
    t.push_back(row("INC", 0, 0xfe, 0, Form::E, B, ImmRule::None, Lockable));
    t.push_back(row("DEC", 0, 0xfe, 1, Form::E, B, ImmRule::None, Lockable));
    t.push_back(row("(FE /7)", 0, 0xfe, 7, Form::E, B, ImmRule::None, Undefined));
    t.push_back(row("INC", 0, 0xff, 0, Form::E, V, ImmRule::None, Lockable));
    t.push_back(row("DEC", 0, 0xff, 1, Form::E, V, ImmRule::None, Lockable));
    t.push_back(row("CALL", 0, 0xff, 2, Form::E, F64, ImmRule::None, Indirect));
    t.push_back(row("JMP", 0, 0xff, 4, Form::E, F64, ImmRule::None, Indirect));
    t.push_back(row("PUSH", 0, 0xff, 6, Form::E, D64));
    t.push_back(row("(FF /7)", 0, 0xff, 7, Form::E, B, ImmRule::None, Undefined));

    // Two-byte map.
    t.push_back(row("UD2", 1, 0x0b, -1, Form::None, B, ImmRule::None, Undefined));
    t.push_back(row("UD1", 1, 0xb9, -1, Form::G_E, V, ImmRule::None, Undefined));
    t.push_back(row("NOP", 1, 0x1f, 0, Form::E, V));
    // Hint space: prefetches and reserved NOPs. Prefetches never fault, even on a bad
    // address, which is worth checking.
    t.push_back(row("PREFETCH", 1, 0x0d, -1, Form::G_E, V, ImmRule::None, MemOnly));
    t.push_back(row("PREFETCH", 1, 0x18, -1, Form::G_E, V, ImmRule::None, MemOnly));
    for (u8 op = 0x19; op <= 0x1e; ++op) t.push_back(row("NOP", 1, op, -1, Form::G_E, V));
    t.push_back(row("BT", 1, 0xa3, -1, Form::E_G, V, ImmRule::None, BitIndex));
    t.push_back(row("SHLD", 1, 0xa4, -1, Form::E_G, V, ImmRule::B, ShiftImm));
    t.push_back(row("SHLD", 1, 0xa5, -1, Form::E_G, V, ImmRule::None, ShiftCl));
    t.push_back(row("BTS", 1, 0xab, -1, Form::E_G, V, ImmRule::None, BitIndex | Lockable));
    t.push_back(row("SHRD", 1, 0xac, -1, Form::E_G, V, ImmRule::B, ShiftImm));
    t.push_back(row("SHRD", 1, 0xad, -1, Form::E_G, V, ImmRule::None, ShiftCl));
    t.push_back(row("IMUL", 1, 0xaf, -1, Form::G_E, V));
    t.push_back(row("CMPXCHG", 1, 0xb0, -1, Form::E_G, B, ImmRule::None, Lockable | CmpAcc));
    t.push_back(row("CMPXCHG", 1, 0xb1, -1, Form::E_G, V, ImmRule::None, Lockable | CmpAcc));
    t.push_back(row("BTR", 1, 0xb3, -1, Form::E_G, V, ImmRule::None, BitIndex | Lockable));
    t.push_back(row("MOVZX", 1, 0xb6, -1, Form::G_Eb, V));
    t.push_back(row("MOVZX", 1, 0xb7, -1, Form::G_Ew, V));
    t.push_back(row("BT", 1, 0xba, 4, Form::E, V, ImmRule::B));
    t.push_back(row("BTS", 1, 0xba, 5, Form::E, V, ImmRule::B, Lockable));
    t.push_back(row("BTR", 1, 0xba, 6, Form::E, V, ImmRule::B, Lockable));
    t.push_back(row("BTC", 1, 0xba, 7, Form::E, V, ImmRule::B, Lockable));
    t.push_back(row("BTC", 1, 0xbb, -1, Form::E_G, V, ImmRule::None, BitIndex | Lockable));
    t.push_back(row("BSF", 1, 0xbc, -1, Form::G_E, V));
    t.push_back(row("BSR", 1, 0xbd, -1, Form::G_E, V));
    t.push_back(row("MOVSX", 1, 0xbe, -1, Form::G_Eb, V));
    t.push_back(row("MOVSX", 1, 0xbf, -1, Form::G_Ew, V));
    t.push_back(row("POPCNT", 1, 0xb8, -1, Form::G_E, V, ImmRule::None, 0, 0xf3));
    t.push_back(row("TZCNT", 1, 0xbc, -1, Form::G_E, V, ImmRule::None, 0, 0xf3));
    t.push_back(row("LZCNT", 1, 0xbd, -1, Form::G_E, V, ImmRule::None, 0, 0xf3));
    t.push_back(row("XADD", 1, 0xc0, -1, Form::E_G, B, ImmRule::None, Lockable));
    t.push_back(row("XADD", 1, 0xc1, -1, Form::E_G, V, ImmRule::None, Lockable));
    t.push_back(row("CMPXCHG8B", 1, 0xc7, 1, Form::G_M, SizeRule::Y, ImmRule::None,
                    MemOnly | Lockable | Cmpxchg8b | NoRexW));
    t.push_back(row("CMPXCHG16B", 1, 0xc7, 1, Form::G_M, SizeRule::Q, ImmRule::None,
                    MemOnly | Lockable | Cmpxchg8b));
    add_sse_specs(t);
    add_mmx_specs(t);
    add_x87_specs(t);
    t.push_back(row("BSWAP", 1, 0xc8, -1, Form::Z, SizeRule::Y));
    t.push_back(row("MOVBE", 2, 0xf0, -1, Form::G_M, V, ImmRule::None, MemOnly));
    t.push_back(row("MOVBE", 2, 0xf1, -1, Form::M_G, V, ImmRule::None, MemOnly));
    return t;
}

// Function-local so that nothing runs before main; built once, read-only afterwards.
const std::vector<InsnSpec>& table() {
    static const std::vector<InsnSpec> t = build();
    return t;
}

constexpr Exclusion kExclusions[] = {
    {0, 0x0f, 0x0f, -1, "escape", "not an instruction: selects the 0F maps"},
    {0, 0x26, 0x26, -1, "prefixes (26 2E 36 3E 40-4F 64-67 F0 F2 F3)", "generated as prefixes"},
    {0, 0x62, 0x62, -1, "BOUND / EVEX", "EVEX prefix on hosts with AVX-512: host-dependent"},
    {0, 0x6c, 0x6f, -1, "INS/OUTS", "port I/O is privileged (IOPL 0): a host would fault"},
    {0, 0x8c, 0x8c, -1, "MOV Ev,Sreg", "selector values are the host OS's, not architectural"},
    {0, 0x8e, 0x8e, -1, "MOV Sreg,Ev", "segment load: needs descriptor tables the harness lacks"},
    {0, 0x8f, 0x8f, 1, "8F /1-/7", "XOP prefix space on AMD hosts"},
    {0, 0xc4, 0xc5, -1, "VEX (C4/C5)", "VEX prefixes: AVX is out of scope"},
    {0, 0xc6, 0xc7, 7, "XABORT/XBEGIN (C6/C7 F8)", "TSX: host-dependent"},
    {0, 0xca, 0xcb, -1, "RETF", "far transfers need descriptor tables"},
    {0, 0xcc, 0xcd, -1, "INT3 / INT n", "software interrupts go to the host kernel"},
    {0, 0xcf, 0xcf, -1, "IRET", "far transfer: needs descriptor tables"},
    {0, 0xe4, 0xe7, -1, "IN/OUT imm8", "port I/O is privileged"},
    {0, 0xec, 0xef, -1, "IN/OUT DX", "port I/O is privileged"},
    {0, 0xf1, 0xf1, -1, "INT1", "debug trap goes to the host kernel"},
    {0, 0xf4, 0xf4, -1, "HLT", "privileged"},
    {0, 0xfa, 0xfb, -1, "CLI/STI", "privileged at IOPL 0"},
    {0, 0xff, 0xff, 3, "CALLF m (FF /3)", "far transfers need descriptor tables"},
    {0, 0xff, 0xff, 5, "JMPF m (FF /5)", "far transfers need descriptor tables"},
    {1, 0x00, 0x01, -1, "0F 00 / 0F 01 system groups", "privileged or host-dependent"},
    {1, 0x05, 0x07, -1, "SYSCALL/SYSRET/CLTS", "would enter the host kernel or is privileged"},
    {1, 0x30, 0x37, -1, "WRMSR/RDTSC/RDMSR/RDPMC/SYSENTER", "privileged or time-dependent"},
    {1, 0xa0, 0xa2, -1, "PUSH/POP FS, CPUID", "host OS state; CPUID is host-specific by design"},
    {1, 0xa8, 0xa9, -1, "PUSH/POP GS", "segment registers are the host OS's"},
    {1, 0xc7, 0xc7, 6, "RDRAND (0F C7 /6)", "random"},
    {1, 0xc7, 0xc7, 7, "RDSEED/RDPID (0F C7 /7)", "random or host-specific"},
    {1, 0xae, 0xae, 4, "XSAVE (0F AE /4)", "not offered by CPUID; XSAVE state is host-specific"},
};

constexpr std::string_view kNotYetImplemented[] = {
    "",  // a leading empty entry keeps the array valid when the list below is empty
    // Empty while the CPU implements every generated row (SSE3 and SSSE3 included).
};

}  // namespace

std::span<const InsnSpec> insn_specs() { return table(); }
std::span<const Exclusion> exclusions() { return kExclusions; }

const Exclusion* find_exclusion(u8 map, u8 opcode, i8 reg) {
    for (const Exclusion& e : kExclusions) {
        if (e.map == map && opcode >= e.first && opcode <= e.last &&
            (e.reg < 0 || reg < 0 || e.reg == reg))
            return &e;
    }
    return nullptr;
}

std::span<const std::string_view> not_yet_implemented() {
    std::span<const std::string_view> all = kNotYetImplemented;
    return all.front().empty() ? all.subspan(1) : all;
}

}  // namespace flint::x86diff
