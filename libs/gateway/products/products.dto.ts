import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { ProductSort } from '@cleave/contracts/catalog/catalog.contract';
import { PageQuery } from '../http/page.query';

/** Prices and stock are 32-bit integer columns. */
const MAX_INT = 2_147_483_647;
const SORTS: ProductSort[] = ['price', '-price', 'name', 'newest'];

/** Query strings carry text: only "true" and "false" are booleans, anything else fails validation. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateProductDto {
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'category must not be blank' })
  category?: string;

  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  priceCents!: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in upper case, e.g. USD' })
  currency?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  stock?: number;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Any subset of the product's fields but stock (POST /products/:id/stock changes that). */
export class UpdateProductDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'category must not be blank' })
  category?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  priceCents?: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in upper case, e.g. USD' })
  currency?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class AdjustStockDto {
  @IsInt()
  @NotEquals(0, { message: 'delta must not be 0' })
  @Min(-MAX_INT)
  @Max(MAX_INT)
  delta!: number;
}

export class ListProductsQueryDto extends PageQuery {
  @IsOptional()
  @IsString()
  @Length(1, 50)
  category?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsIn(SORTS, { message: `sort must be one of ${SORTS.join(', ')}` })
  sort?: ProductSort;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'includeInactive must be true or false' })
  includeInactive?: boolean;
}
