"""Make the Traditional Chinese catalogs from the Simplified ones (a translator's tool, never
imported by the server): `pip install -e '.[catalogs]'`, then `python redfed/locales/traditional.py`.

OpenCC's "s2twp" converts script and Taiwan phrasing; WORDS then puts the words Taiwanese
fediverse software uses where the converter keeps the mainland ones. Every .po file of zh_Hans
is written again under zh_Hant; a reviewer's fixes belong in WORDS (or in zh_Hans), so that they
survive the next run.
"""

from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
WORDS = {
    "條帖子": "則貼文", "帖子": "貼文", "賬號": "帳號", "賬戶": "帳戶", "遮蔽": "封鎖", "屏蔽": "封鎖",
    "關注": "追蹤", "結賬": "結帳", "發帖": "發文", "周": "週", "“": "「", "”": "」", "域名": "網域",
}


def convert_file(source: Path, target: Path, converter: opencc.OpenCC) -> None:
    lines, in_translation = [], False
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            in_translation = True
        elif line.startswith(("msgid", "#")) or not line.strip():
            in_translation = False
        if in_translation:
            line = _traditional(line, converter)
        elif line.startswith("# "):
            line = line.replace("Chinese (Simplified)", "Chinese (Traditional)")
        lines.append(line)
    text = "\n".join(lines) + "\n"
    text = text.replace('"Language: zh_Hans\\n"', '"Language: zh_Hant\\n"')
    target.write_text(text.replace('"Language-Team: zh_Hans', '"Language-Team: zh_Hant'), encoding="utf-8")


def _traditional(line: str, converter: opencc.OpenCC) -> str:
    line = converter.convert(line)
    for mainland, taiwan in WORDS.items():
        line = line.replace(mainland, taiwan)
    return line


def main() -> None:
    converter = opencc.OpenCC("s2twp")
    target = HERE / "zh_Hant" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted((HERE / "zh_Hans" / "LC_MESSAGES").glob("*.po")):
        convert_file(source, target / source.name, converter)


if __name__ == "__main__":
    main()
