--[[ Quarto's profile-conditional content, for the offline pandoc renderer.

`::: {.content-visible when-profile="NAME"}` is kept only when profile NAME is active,
`::: {.content-hidden when-profile="NAME"}` only when it is not. The renderer passes the active
profiles as the metadata list `ioreport-profiles`.
]]

local active = {}

local function read_profiles(meta)
  for _, name in ipairs(meta["ioreport-profiles"] or {}) do
    active[pandoc.utils.stringify(name)] = true
  end
  meta["ioreport-profiles"] = nil
  return meta
end

local function apply_condition(div)
  local visible_when_active = div.classes:includes("content-visible")
  if not visible_when_active and not div.classes:includes("content-hidden") then
    return nil
  end
  local profile = div.attributes["when-profile"]
  if profile == nil then
    error("conditional content needs a when-profile=\"NAME\" attribute: the offline renderer "
      .. "supports no other condition", 0)
  end
  if (active[profile] == true) == visible_when_active then
    return div.content
  end
  return {}
end

-- Two passes: the profiles must be known before any div is looked at.
return { { Meta = read_profiles }, { Div = apply_condition } }
