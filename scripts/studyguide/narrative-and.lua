-- APA 7: in a narrative citation ("Perrin and Blagden (2014) found …") the names are joined
-- with "and"; the style's "&" belongs inside parentheses only. Runs after --citeproc.
function Cite(cite)
  if cite.citations[1].mode ~= "AuthorInText" then
    return nil
  end
  return cite:walk({
    Str = function(s)
      if s.text == "&" then
        return pandoc.Str("and")
      end
    end,
  })
end
