#!/usr/bin/env python3
"""Writes legacy-manifests-gb18030.csv: a messy provincial-system export of
hazardous-waste transfer manifests, in GB18030, used by tests/cli/import_test.cc.

What it holds (the test's expectations depend on it; change both together):
- a title row and a blank row above the heading; headings are synonyms
  (联单号, 移出单位名称, 接收单位名称, 危险废物名称, 物理性状, ...), quantities in
  kilograms given in the headings with full-width parentheses;
- 10 good manifest rows from 2 producers to 2 receivers, dates written as
  2023-01-05, 2023/1/6, 2023年1月9日, 20230112 and with full-width digits;
  a thousands separator, trailing spaces, a quoted field with a comma;
- 1 exact duplicate of a good row, 1 blank row, 1 total row (合计);
- 4 bad rows: an impossible date, a negative quantity, a malformed waste
  code and a missing manifest number.
"""
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

def uscc(first17):
    s = sum(CHARSET.index(c) * w for c, w in zip(first17, W))
    return first17 + CHARSET[(31 - s % 31) % 31]

P1 = ("禹州市铸造有限公司", uscc("91411081MA44X8Y7C"))
P2 = ("许昌市化工有限公司", uscc("91411000MA45A1B2D"))
R1 = ("禹州市环保科技有限公司", "HW4110001")
R2 = ("许昌市危废处置中心", "HW4110002")
CARRIER = "许昌危运物流有限公司"

HEAD = ["联单号", "移出单位名称", "移出单位统一社会信用代码", "运输单位", "接收单位名称",
        "经营许可证编号", "危险废物名称", "废物代码", "危险特性", "物理性状", "包装方式",
        "转移数量（千克）", "接收数量（千克）", "转移日期", "接收日期", "利用处置方式", "备注"]

def row(no, p, r, name, code, haz, qty, rec, d1, d2, method, note=""):
    return [no, p[0], p[1], CARRIER, r[0], r[1], name, code, haz, "液态", "桶装", qty, rec, d1, d2,
            method, note]

good = [
    row("20234110000001", P1, R1, "废矿物油", "900-249-08", "T,I", "1,250.5", "1250.5", "2023-01-05", "2023/1/6", "R9"),
    row("20234110000002", P1, R1, "废矿物油", "900-249-08", "T,I", "800", "790", "2023/1/9", "2023年1月10日", "R9", "称重差10千克"),
    row("20234110000003", P1, R2, "废乳化液", "900-006-09", "T", "2000", "2000", "2023年1月9日", "20230111", "D10"),
    row("20234110000004", P2, R2, "废酸", "900-300-34", "C", "５００", "５００", "２０２３－０２－０１", "2023-02-03", "D9"),
    row("20234110000005", P2, R1, "废矿物油", "900-249-08", "T,I", "3000 ", "3000", "20230112", "20230113", "R9"),
    row("20234110000006", P2, R2, "废酸", "900-300-34", "C", "1200", "1150", "2023-03-01", "2023-03-02", "D9"),
    row("20234110000007", P1, R1, "废矿物油", "900-249-08", "T,I", "600", "600", "2023-03-05", "2023-03-06", "R9"),
    row("20234110000008", P1, R2, "废乳化液", "900-006-09", "T", "450", "", "2023-03-20", "", "D10"),
    row("20234110000009", P2, R1, "废矿物油", "900-249-08", "T,I", "700", "700", "2023-04-02", "2023-04-03", "R9"),
    row("20234110000010", P2, R2, "废酸", "900-300-34", "C", "900", "900", "2023-04-10", "2023-04-11", "D9", "含, 逗号"),
]
bad = [
    row("20234110000011", P1, R1, "废矿物油", "900-249-08", "T,I", "100", "100", "2023-02-30", "2023-03-01", "R9"),
    row("20234110000012", P2, R2, "废酸", "900-300-34", "C", "-50", "50", "2023-04-12", "2023-04-13", "D9"),
    row("20234110000013", P1, R2, "废乳化液", "900-006-99", "T", "100", "100", "2023-04-14", "2023-04-15", "D10"),
    row("", P2, R1, "废矿物油", "900-249-08", "T,I", "100", "100", "2023-04-16", "2023-04-17", "R9"),
]

def csv_line(cells):
    out = []
    for c in cells:
        out.append('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') else c)
    return ",".join(out)

lines = ["许昌市2023年危险废物转移联单汇总表", "", csv_line(HEAD)]
lines += [csv_line(r) for r in good[:5]]
lines.append(csv_line(good[1]))  # an exact duplicate
lines.append(csv_line(bad[0]))
lines.append("")
lines += [csv_line(r) for r in good[5:8]]
lines += [csv_line(r) for r in bad[1:]]
lines += [csv_line(r) for r in good[8:]]
lines.append(csv_line(["合计", "", "", "", "", "", "", "", "", "", "", "11,400.5", "10,890.5", "", "", "", ""]))
open("legacy-manifests-gb18030.csv", "wb").write(("\r\n".join(lines) + "\r\n").encode("gb18030"))
