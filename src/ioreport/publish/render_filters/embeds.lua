--[[ Numbered figures and tables for embedded notebook outputs, and their cross-references.

render.py expands each `{{< embed notebooks/NAME.ipynb#LABEL >}}` into a div
`::: {#LABEL .ioreport-embed notebook="notebooks/NAME.ipynb" caption="…"}` holding the outputs.
This filter runs after profiles.lua, so hidden content takes no number, as in Quarto. It numbers
`fig-` and `tbl-` labels in document order, one sequence per prefix, and writes
<figure id="fig-LABEL" class="ioreport-figure">…<figcaption>Figure N: caption</figcaption></figure> (a
table's caption goes above); the caption is Markdown.
Then `@fig-LABEL`, `@tbl-LABEL` and `@sec-LABEL` (a numbered heading) become links reading "Figure N" / "Table N" / "Section N"; `-@fig-LABEL`
reads just "N".
]]

local KINDS = {
  fig = { name = "Figure", class = "ioreport-figure", caption_above = false },
  tbl = { name = "Table", class = "ioreport-table", caption_above = true },
  sec = { name = "Section" },
}

-- "Figure 2" never breaks across lines: Quarto joins the words with a no-break space too.
local NO_BREAK_SPACE = "\u{A0}"

local counts = { fig = 0, tbl = 0 }
local targets = {} -- label -> { name = "Figure", number = 2 }

local function prefix_of(label)
  return label:match("^(%a+)%-")
end

local function caption(target, div)
  local text = target.name .. NO_BREAK_SPACE .. target.number
  local inlines = pandoc.Inlines(text)
  if div.attributes.caption ~= "" then
    -- Markdown, as Quarto reads a caption: staging adds links to the notebook and the full CSV.
    local parsed = pandoc.read(div.attributes.caption, "markdown").blocks[1]
    inlines = inlines .. { pandoc.Str(":"), pandoc.Space() } .. (parsed and parsed.content or {})
  end
  return {
    pandoc.RawBlock("html", "<figcaption>"), pandoc.Plain(inlines), pandoc.RawBlock("html", "</figcaption>"),
  }
end

local function embed(div)
  if not div.classes:includes("ioreport-embed") then
    return nil
  end
  local label = div.identifier
  if targets[label] then
    error("label " .. label .. " is embedded twice: each label can be embedded once", 0)
  end
  local prefix = prefix_of(label)
  local kind = KINDS[prefix]
  if not kind then -- a label without fig-/tbl- takes no number and no caption
    return pandoc.Div(div.content, pandoc.Attr(label, { "ioreport-output" }))
  end
  counts[prefix] = counts[prefix] + 1
  local target = { name = kind.name, number = counts[prefix] }
  targets[label] = target
  -- Raw tags rather than pandoc's Figure: its caption position is one setting for the whole document.
  local opening = '<figure id="' .. label .. '" class="' .. kind.class .. '">'
  local blocks = pandoc.Blocks { pandoc.RawBlock("html", opening) }
  if kind.caption_above then
    blocks:extend(caption(target, div))
  end
  blocks:extend(div.content)
  if not kind.caption_above then
    blocks:extend(caption(target, div))
  end
  blocks:insert(pandoc.RawBlock("html", "</figure>"))
  return blocks
end

-- Sections are numbered as pandoc's --number-sections numbers them (1, 1.1, ...), unnumbered ones skipped.
local section_counts = {}

local function section(header)
  if header.classes:includes("unnumbered") then
    return nil
  end
  section_counts[header.level] = (section_counts[header.level] or 0) + 1
  for deeper = header.level + 1, #section_counts do
    section_counts[deeper] = nil
  end
  local parts = {}
  for level = 1, header.level do
    parts[#parts + 1] = tostring(section_counts[level] or 0)
  end
  if prefix_of(header.identifier) == "sec" then
    targets[header.identifier] = { name = "Section", number = table.concat(parts, ".") }
  end
  return nil
end

local function cross_reference(cite)
  local citation = cite.citations[1]
  if not KINDS[prefix_of(citation.id)] then
    return nil -- a bibliography key or an @handle in the text: not ours
  end
  if #cite.citations > 1 then
    error("cite one figure or table at a time: write @a and @b, not [@a; @b] (" .. citation.id .. ")", 0)
  end
  local target = targets[citation.id]
  if not target then
    error("unknown cross-reference @" .. citation.id .. ": no embedded figure or table, or section, has that label", 0)
  end
  local text = citation.mode == "SuppressAuthor" and tostring(target.number)
    or target.name .. NO_BREAK_SPACE .. target.number
  local link = pandoc.Link(text, "#" .. citation.id)
  if #citation.prefix > 0 then
    return citation.prefix .. { pandoc.Space(), link } .. citation.suffix
  end
  return pandoc.Inlines { link } .. citation.suffix
end

-- Two passes: every figure must be numbered before references to it are resolved.
return { { Div = embed, Header = section }, { Cite = cross_reference } }
