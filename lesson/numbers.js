// Numbers and paragraphs printed as the scripts print them: Python's formats, which round an exact half to
// the even digit, lesson/report.py's number(), percent() and output_range(), and textwrap.fill().
// tests/page/numbers.test.js holds each to Python's own output on 10,000 values.

// The exact decimal digits of value (which is finite), as [sign, integer digits, fraction digits].
function exactDecimal(value) {
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  // The magnitude is a whole number times 2 to the power -places; doubling it until it is whole is exact.
  let whole = Math.abs(value), places = 0;
  while (!Number.isInteger(whole)) { whole *= 2; places += 1; }
  // A whole number over 2^places is that number times 5^places over 10^places.
  const digits = (BigInt(whole) * 5n ** BigInt(places)).toString().padStart(places + 1, "0");
  return [sign, digits.slice(0, digits.length - places), digits.slice(digits.length - places).replace(/0+$/, "")];
}

// A string of decimal digits rounded to its first `keep`, an exact half to the even digit. Rounding up
// can carry into one digit more: "999" to 2 digits is "100".
function roundDigits(digits, keep) {
  if (digits.length <= keep) return digits.padEnd(keep, "0");
  const kept = digits.slice(0, keep), rest = digits.slice(keep);
  const odd = keep > 0 && Number(kept[keep - 1]) % 2 === 1;
  const up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || odd));
  return up ? (BigInt(kept || "0") + 1n).toString().padStart(keep, "0") : kept;
}

// Python's "g" formats drop the zeros at the end of a decimal fraction.
const trimmed = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);

const notFinite = (value) => (Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");

// Python's f"{value:.{places}f}".
export function fixed(value, places) {
  if (!Number.isFinite(value)) return notFinite(value);
  const [sign, whole, fraction] = exactDecimal(value);
  const digits = roundDigits(whole + fraction, whole.length + places);
  const integerPart = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, "") || "0";
  const text = places ? `${integerPart}.${digits.slice(digits.length - places)}` : integerPart;
  return sign + text;
}

// Python's f"{value:.{significant - 1}e}", and with the zeros at the end dropped, as "g" does, if trim.
export function scientific(value, significant, trim) {
  if (!Number.isFinite(value)) return notFinite(value);
  if (value === 0) return (Object.is(value, -0) ? "-" : "") + (trim ? "0" : `${(0).toFixed(significant - 1)}e+00`);
  const [sign, whole, fraction] = exactDecimal(value);
  const wholeDigits = whole.replace(/^0+/, ""), zeros = fraction.length - fraction.replace(/^0+/, "").length;
  let exponent = wholeDigits ? wholeDigits.length - 1 : -zeros - 1;
  let kept = roundDigits(wholeDigits ? wholeDigits + fraction : fraction.slice(zeros), significant);
  if (kept.length > significant) { kept = kept.slice(0, significant); exponent += 1; }
  let mantissa = significant > 1 ? `${kept[0]}.${kept.slice(1)}` : kept;
  if (trim) mantissa = trimmed(mantissa);
  const power = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  return `${sign}${mantissa}e${power}`;
}

// Python's f"{value:g}", 6 significant digits, as the report prints the learning rate.
export function general(value, significant = 6) {
  if (!Number.isFinite(value) || value === 0) return scientific(value, significant, true);
  const exponent = Number(scientific(value, significant, false).split("e")[1]);
  if (exponent < -4 || exponent >= significant) return scientific(value, significant, true);
  return trimmed(fixed(value, significant - 1 - exponent));
}

// report.percent: a fraction as a percentage with one decimal, such as 96.2%.
export const percent = (fraction) => `${fixed(100 * fraction, 1)}%`;

// report.number: four decimals for everyday numbers; powers of ten for huge and tiny ones.
export function number(value) {
  if (Number.isNaN(value) || Math.abs(value) >= 1e4) return scientific(value, 3, true);
  if (value === 0) return "0";
  if (Math.abs(value) < 1e-3) return scientific(value, 2, false);
  return fixed(value, 4);
}

// report.output_range: such as "0.0002 .. 0.9991", or "nan" when no output was a number.
export const outputRange = (lowest, highest) =>
  (Number.isNaN(lowest) ? "nan" : `${number(lowest)} .. ${number(highest)}`);

// Python's f"{count:,}": a whole number with commas, such as 4,000.
export const count = (value) => value.toLocaleString("en-US");

// textwrap.fill(text, width=88), which the report's paragraphs go through: its defaults, ported. A line
// breaks between words, or after a hyphen inside a word ("held-" / "out"), and a word longer than a line is
// cut.
const LETTER = "[^\\d\\W]", WORD_PUNCTUATION = "[\\w!\"'&.,?]";
const WORD_SEPARATOR = new RegExp(
  "(\\s+" +  // whitespace
  `|(?<=${WORD_PUNCTUATION})-{2,}(?=\\w)` +  // a dash of two or more hyphens between words
  "|\\S+?(?:" +  // a word, up to: a hyphen between letters, its end, or a dash
  `-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
  `|(?=\\s|$)|(?<=${WORD_PUNCTUATION})(?=-{2,}\\w)))`);

// str.expandtabs(): each tab becomes spaces up to the next column that is a multiple of 8.
function expandTabs(text) {
  let column = 0, expanded = "";
  for (const character of text) {
    const spaces = character === "\t" ? 8 - (column % 8) : 0;
    expanded += spaces ? " ".repeat(spaces) : character;
    column = "\n\r".includes(character) ? 0 : column + (spaces || 1);
  }
  return expanded;
}

export function wrapped(text, width = 88) {
  const chunks = expandTabs(text).replace(/[\n\v\f\r]/g, " ").split(WORD_SEPARATOR).filter(Boolean).reverse();
  const lines = [];
  while (chunks.length) {
    const line = [];
    let length = 0;
    // A line does not start with the space left over from the line before.
    if (lines.length && chunks.at(-1).trim() === "") chunks.pop();
    while (chunks.length && length + chunks.at(-1).length <= width) {
      length += chunks.at(-1).length;
      line.push(chunks.pop());
    }
    if (chunks.length && chunks.at(-1).length > width) {
      // Too long for any line: cut it, after a hyphen if one fits.
      const chunk = chunks.at(-1), room = width < 1 ? 1 : width - length;
      const hyphen = room > 0 ? chunk.lastIndexOf("-", room - 1) : -1;
      const end = hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen)) ? hyphen + 1 : room;
      line.push(chunk.slice(0, end));
      chunks[chunks.length - 1] = chunk.slice(end);
    }
    if (line.length && line.at(-1).trim() === "") line.pop();
    if (line.length) lines.push(line.join(""));
  }
  return lines.join("\n");
}
