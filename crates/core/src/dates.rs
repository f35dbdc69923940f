//! Dates as people in England read and write them.

use chrono::{Datelike, NaiveDate};

/// 22/11/2026.
pub fn format_uk(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Whole years between two dates, as a birthday counts them.
pub fn age_in_years(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// "2 years 3 months" style age, the way nursery staff talk about children.
pub fn age_label(born: NaiveDate, on: NaiveDate) -> String {
    let total_months = {
        let mut m = (on.year() - born.year()) * 12 + on.month() as i32 - born.month() as i32;
        if on.day() < born.day() {
            m -= 1;
        }
        m.max(0)
    };
    let (y, m) = (total_months / 12, total_months % 12);
    let plural = |n: i32, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (y, m) {
        (0, m) => plural(m, "month"),
        (y, 0) => plural(y, "year"),
        (y, m) => format!("{} {}", plural(y, "year"), plural(m, "month")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn formats_day_first() {
        assert_eq!(format_uk(d(2026, 11, 2)), "02/11/2026");
    }

    #[test]
    fn counts_birthdays() {
        assert_eq!(age_in_years(d(2022, 3, 10), d(2026, 3, 9)), 3);
        assert_eq!(age_in_years(d(2022, 3, 10), d(2026, 3, 10)), 4);
    }

    #[test]
    fn labels_ages() {
        assert_eq!(age_label(d(2026, 5, 1), d(2026, 11, 22)), "6 months");
        assert_eq!(age_label(d(2025, 11, 22), d(2026, 11, 22)), "1 year");
        assert_eq!(
            age_label(d(2023, 8, 30), d(2026, 11, 22)),
            "3 years 2 months"
        );
    }
}
