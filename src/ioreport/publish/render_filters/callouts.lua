--[[ Quarto callouts, for the offline pandoc renderer.

`::: {.callout-warning title="TITLE"}` becomes <div class="callout callout-warning">
<div class="callout-title">TITLE</div><div class="callout-body">…</div></div>.
The title is the `title` attribute, else a leading heading (taken out of the body, and so out of the
table of contents), else the callout type's name.
]]

local DEFAULT_TITLES = {
  note = "Note", tip = "Tip", warning = "Warning", caution = "Caution", important = "Important",
}

local function callout_type(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if DEFAULT_TITLES[kind] then
      return kind
    end
  end
end

local function take_title(div, kind)
  local title = div.attributes.title
  if title then
    div.attributes.title = nil
    -- Plain text, not markdown: pandoc has already decoded the character references in attribute
    -- values, and parsing again would turn an escaped {{< var >}} value into live HTML.
    return pandoc.Inlines(title)
  end
  local first = div.content[1]
  if first and first.t == "Header" then
    div.content:remove(1)
    return first.content
  end
  return pandoc.Inlines(DEFAULT_TITLES[kind])
end

function Div(div)
  local kind = callout_type(div)
  if not kind then
    return nil
  end
  local title = take_title(div, kind)
  div.classes:insert(1, "callout")
  div.content = {
    pandoc.Div(pandoc.Plain(title), pandoc.Attr("", { "callout-title" })),
    pandoc.Div(div.content, pandoc.Attr("", { "callout-body" })),
  }
  return div
end
